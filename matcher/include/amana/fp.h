/*
 * amana/fp.h: fingerprint templates, their comparison, ISO/IEC 19794-2
 * records and minutiae extraction from images.
 *
 * Two halves:
 *  - freestanding (matcher_core_sources, also built for the Cortex-M4 token):
 *    the template type, pack/unpack of the compact token form and the
 *    comparison. No heap, no double, no global state; the comparison works
 *    in a caller-provided area of AMANA_FP_COMPARE_WORK_BYTES.
 *  - host only: ISO/IEC 19794-2:2005 records and image extraction (which may
 *    allocate).
 *
 * Coordinates are pixels at 500 dpi, origin top-left, y down. Angles are in
 * units of 2*pi/256 (1.40625 degrees, the ISO/IEC 19794-2:2005 unit),
 * counter-clockwise from the x axis as seen on the image (so the direction
 * vector is (cos a, -sin a) in image coordinates).
 * See docs/0100-fingerprint-matcher.md for the design and measured figures.
 */
#ifndef AMANA_FP_H
#define AMANA_FP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Most minutiae a template holds. Extraction keeps the best ones; reading an
 * ISO record with more keeps the ones of highest quality (stable order). */
#define AMANA_FP_MAX_MINUTIAE 100

enum {
	AMANA_FP_TYPE_OTHER = 0,
	AMANA_FP_TYPE_ENDING = 1,
	AMANA_FP_TYPE_BIFURCATION = 2
};

typedef struct amana_fp_minutia {
	uint16_t x, y;   /* 500 dpi pixels */
	uint8_t angle;   /* 0..255 = 0..2pi, see above */
	uint8_t type;    /* AMANA_FP_TYPE_* */
	uint8_t quality; /* 0..100, 0 = not reported */
} amana_fp_minutia_t;

typedef struct amana_fp_template {
	uint16_t width, height;  /* image size in 500 dpi pixels (nonzero) */
	uint8_t finger;          /* ISO finger position code, 0 = unknown */
	uint8_t view;            /* ISO view number 0..15 */
	uint8_t impression;      /* ISO impression type 0..15 */
	uint8_t quality;         /* finger quality 0..100 */
	uint16_t count;          /* minutiae used, <= AMANA_FP_MAX_MINUTIAE */
	amana_fp_minutia_t minutiae[AMANA_FP_MAX_MINUTIAE];
} amana_fp_template_t;

/* ---- compact token form (freestanding) ----
 * "AF" magic, version 1, 11-byte header, 6 bytes a minutia: at most
 * 11 + 6 * AMANA_FP_MAX_MINUTIAE = 611 bytes (layout in template.c). */
#define AMANA_FP_TEMPLATE_MAX_BYTES 1024
#define AMANA_FP_PACK_VERSION 1

/* Writes t into out[cap]; *len gets the size used. AMANA_ERR_BUFFER if cap is
 * too small, AMANA_ERR_ARG for an invalid template (count past the maximum,
 * zero size, coordinates outside the image, bad type or quality). */
int amana_fp_template_pack(const amana_fp_template_t *t, uint8_t *out,
    size_t cap, size_t *len);

/* Reads a packed template; every field is checked (AMANA_ERR_FP_* codes). */
int amana_fp_template_unpack(const uint8_t *in, size_t len,
    amana_fp_template_t *t);

/* Checks the invariants of a template (see pack). */
int amana_fp_template_check(const amana_fp_template_t *t);

/* ---- comparison (freestanding) ----
 * Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni 2010): bit cylinders
 * with LSS-R consolidation, then a global one (the share of the minutiae
 * in the common region that one rigid alignment pairs). Symmetric up to float rounding, deterministic,
 * invariant to translation and rotation. score is in [0, 1]; higher means
 * more similar. work must be at least AMANA_FP_COMPARE_WORK_BYTES long and
 * 8-byte aligned; nothing else is used beyond a few hundred bytes of stack. */
#define AMANA_FP_COMPARE_WORK_BYTES 32768
/* Accept when score >= this: no false match among the 11,520 impostor
 * pairs of FVC2002 DB1_B..DB4_B (all pairs, our extractor; the FMR <= 1e-4
 * point gives the same FNMR, 4.3%). Measured figures and caveats:
 * docs/0101-fingerprint-threshold.md. */
#define AMANA_FP_THRESHOLD_FMR1E4 0.0184f

int amana_fp_compare(const amana_fp_template_t *probe,
    const amana_fp_template_t *ref, void *work, size_t work_len,
    float *score);

/* ---- prepared templates (freestanding) ----
 * For one template compared with many (a token's reference, or every
 * template of an identification or an evaluation): its cylinders are built
 * once. A prepared template holds a copy of the template, so the original
 * may go away afterwards; it is plain data (no pointers) and may be copied.
 * work as above (scratch only). amana_fp_compare_prepared(probe, prepared(ref)) gives exactly the
 * score of amana_fp_compare(probe, ref), bit for bit; an unprepared or
 * failed prepared reference is AMANA_ERR_FP_TPL_INVALID. */
#define AMANA_FP_PREPARED_BYTES 24576
typedef struct amana_fp_prepared {
	uint64_t opaque[AMANA_FP_PREPARED_BYTES / 8];
} amana_fp_prepared_t;

int amana_fp_reference_prepare(const amana_fp_template_t *ref, void *work,
    size_t work_len, amana_fp_prepared_t *out);

int amana_fp_compare_prepared(const amana_fp_template_t *probe,
    const amana_fp_prepared_t *ref, void *work, size_t work_len,
    float *score);

/* Both templates prepared (identification, evaluation: each template
 * prepared once with amana_fp_reference_prepare, whatever its role, then
 * compared with many): no cylinder is built, only the similarities and the
 * consolidation run. Gives exactly the score of
 * amana_fp_compare(probe's template, ref's template), bit for bit; an
 * unprepared or failed prepared template is AMANA_ERR_FP_TPL_INVALID. */
int amana_fp_compare_prepared_pair(const amana_fp_prepared_t *probe,
    const amana_fp_prepared_t *ref, void *work, size_t work_len,
    float *score);

/* ---- ISO/IEC 19794-2:2005 finger minutiae records (host) ---- */
typedef struct amana_fp_iso_info {
	uint16_t width, height;  /* as in the record header */
	uint16_t xres, yres;     /* pixels per centimetre */
	uint8_t views;           /* finger views in the record */
} amana_fp_iso_info_t;

/* Parses rec[len]: header, up to max_views views into views[] (coordinates
 * converted to 500 dpi), extended data skipped after its bounds are checked.
 * *nviews gets the number of views stored; info may be NULL. Any truncation,
 * inconsistency (record length, counts past the end, zero image size,
 * coordinates outside the image, reserved types) is an AMANA_ERR_FP_ISO_*
 * error. */
int amana_fp_iso_read(const uint8_t *rec, size_t len,
    amana_fp_template_t *views, size_t max_views, size_t *nviews,
    amana_fp_iso_info_t *info);

/* Writes views[0..nviews) as one record at 197 pixels/cm (500 dpi). */
int amana_fp_iso_write(const amana_fp_template_t *views, size_t nviews,
    uint8_t *out, size_t cap, size_t *len);

/* Bytes amana_fp_iso_write needs for these views. */
size_t amana_fp_iso_size(const amana_fp_template_t *views, size_t nviews);

/* ---- extraction (host) ----
 * pixels: 8-bit greyscale, row-major, width*height bytes, dark ridges.
 * dpi 250..1000, sides 100..2000 pixels (else AMANA_ERR_FP_IMAGE_*). The image
 * is resampled to 500 dpi. quality_0_100 (may be NULL) gets the image quality;
 * below AMANA_FP_ENROL_MIN_QUALITY an enrolment should be refused. An image
 * without a single minutia is AMANA_ERR_FP_LOW_QUALITY (*out untouched). */
#define AMANA_FP_ENROL_MIN_QUALITY 20
#define AMANA_FP_MIN_SIDE 100
#define AMANA_FP_MAX_SIDE 2000
#define AMANA_FP_MIN_DPI 250
#define AMANA_FP_MAX_DPI 1000

int amana_fp_extract(const uint8_t *pixels, uint32_t width, uint32_t height,
    uint32_t dpi, amana_fp_template_t *out, int *quality_0_100);

#ifdef __cplusplus
}
#endif
#endif /* AMANA_FP_H */
