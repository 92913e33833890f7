/* eval_out.c: score files and DET curves. The SVG is written by hand (no
 * plotting dependency): log-log axes, FMR across, FNMR up, zero rates drawn
 * on the axis edge so that a perfect separation is still visible. */
#include "eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "amana/err.h"

int eval_write_scores(const char *path, const double *gen, size_t ng,
    const double *imp, size_t ni)
{
	if (path == NULL || (gen == NULL && ng > 0) || (imp == NULL && ni > 0))
		return AMANA_ERR_ARG;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return AMANA_ERR_IO;
	for (size_t i = 0; i < ng; i++)
		fprintf(f, "genuine %.17g\n", gen[i]);
	for (size_t i = 0; i < ni; i++)
		fprintf(f, "impostor %.17g\n", imp[i]);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return AMANA_ERR_IO;
	return AMANA_OK;
}

#define DET_W 640.0
#define DET_H 560.0
#define DET_L 80.0   /* plot area: left, top, right, bottom margins */
#define DET_T 50.0
#define DET_R 30.0
#define DET_B 60.0
#define DET_DECADES 5.0 /* 1e-5 .. 1 */

static double det_x(double fmr)
{
	double lg = fmr > 0 ? log10(fmr) : -DET_DECADES;
	if (lg < -DET_DECADES)
		lg = -DET_DECADES;
	return DET_L + (lg + DET_DECADES) / DET_DECADES * (DET_W - DET_L - DET_R);
}

static double det_y(double fnmr)
{
	double lg = fnmr > 0 ? log10(fnmr) : -DET_DECADES;
	if (lg < -DET_DECADES)
		lg = -DET_DECADES;
	return DET_H - DET_B - (lg + DET_DECADES) / DET_DECADES * (DET_H - DET_T - DET_B);
}

static void svg_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static void det_axes(FILE *f, const char *title)
{
	fprintf(f, "<rect width='%.0f' height='%.0f' fill='white'/>\n", DET_W, DET_H);
	for (int d = 0; d <= (int)DET_DECADES; d++) {
		double v = pow(10.0, -(double)d);
		double x = det_x(v), y = det_y(v);
		fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>\n",
		    x, DET_T, x, DET_H - DET_B);
		fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>\n",
		    DET_L, y, DET_W - DET_R, y);
		char lab[8];
		snprintf(lab, sizeof(lab), d == 0 ? "1" : "1e-%d", d);
		fprintf(f, "<text x='%.1f' y='%.1f' font-size='12' text-anchor='middle'>%s</text>\n",
		    x, DET_H - DET_B + 18, lab);
		fprintf(f, "<text x='%.1f' y='%.1f' font-size='12' text-anchor='end'>%s</text>\n",
		    DET_L - 6, y + 4, lab);
	}
	fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='black'/>\n",
	    DET_L, DET_T, DET_W - DET_L - DET_R, DET_H - DET_T - DET_B);
	fprintf(f, "<text x='%.1f' y='%.1f' font-size='13' text-anchor='middle'>FMR (false match rate)</text>\n",
	    (DET_L + DET_W - DET_R) / 2, DET_H - 15);
	fprintf(f, "<text x='20' y='%.1f' font-size='13' text-anchor='middle' transform='rotate(-90 20 %.1f)'>FNMR (false non-match rate)</text>\n",
	    (DET_T + DET_H - DET_B) / 2, (DET_T + DET_H - DET_B) / 2);
	fprintf(f, "<text x='%.1f' y='30' font-size='15' text-anchor='middle'>", DET_W / 2);
	svg_text(f, title != NULL ? title : "DET");
	fputs("</text>\n", f);
}

int eval_write_det_svg(const char *path, const double *gen, size_t ng,
    const double *imp, size_t ni, double threshold, const char *title)
{
	if (path == NULL)
		return AMANA_ERR_ARG;
	eval_point_t *pts;
	size_t np;
	int rc = eval_curve(gen, ng, imp, ni, &pts, &np);
	if (rc != AMANA_OK)
		return rc;
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		free(pts);
		return AMANA_ERR_IO;
	}
	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
	    "font-family='sans-serif'>\n", DET_W, DET_H);
	det_axes(f, title);
	fputs("<polyline fill='none' stroke='#1f5fbf' stroke-width='2' points='", f);
	double px = -1, py = -1;
	for (size_t i = 0; i < np; i++) {
		double x = det_x(pts[i].fmr), y = det_y(pts[i].fnmr);
		/* Skip points that land on the previous pixel: 80,000 points
		 * would otherwise make a multi-megabyte file. */
		if (fabs(x - px) < 0.5 && fabs(y - py) < 0.5 && i + 1 < np)
			continue;
		fprintf(f, "%.1f,%.1f ", x, y);
		px = x;
		py = y;
	}
	fputs("'/>\n", f);
	double fmr, fnmr;
	eval_rates_at(gen, ng, imp, ni, threshold, &fmr, &fnmr);
	fprintf(f, "<circle cx='%.1f' cy='%.1f' r='5' fill='#c0392b'/>\n",
	    det_x(fmr), det_y(fnmr));
	fprintf(f, "<text x='%.1f' y='%.1f' font-size='12' fill='#c0392b'>"
	    "t=%.4g FMR=%.2g FNMR=%.2g</text>\n",
	    det_x(fmr) + 8, det_y(fnmr) - 8, threshold, fmr, fnmr);
	fputs("</svg>\n", f);
	free(pts);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return AMANA_ERR_IO;
	return AMANA_OK;
}
