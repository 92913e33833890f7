// align.cpp: similarity alignment to the 112x112 ArcFace template.
//
// The transform [a -b tx; b a ty] minimising the squared distance of the
// five points to the template has a closed form (centre both point sets;
// a = sum(p.q) / sum|p|^2, b = sum(p x q) / sum|p|^2): no SVD, no
// reflection, and no random sampling (cv::estimateAffinePartial2D runs
// RANSAC, which five points do not need and determinism does not want).
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "amana/err.h"
#include "face_internal.hpp"

extern "C" const float amana_face_template_points[10] = {
	38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f,
	41.5493f, 92.3655f, 70.7299f, 92.2041f,
};

namespace amana_face {

cv::Mat similarity_to_template(const float src[10])
{
	const float *dst = amana_face_template_points;
	double pmx = 0, pmy = 0, qmx = 0, qmy = 0;
	for (int i = 0; i < 5; i++) {
		pmx += src[2 * i];
		pmy += src[2 * i + 1];
		qmx += dst[2 * i];
		qmy += dst[2 * i + 1];
	}
	pmx /= 5;
	pmy /= 5;
	qmx /= 5;
	qmy /= 5;
	double sa = 0, sb = 0, pp = 0;
	for (int i = 0; i < 5; i++) {
		double px = src[2 * i] - pmx, py = src[2 * i + 1] - pmy;
		double qx = dst[2 * i] - qmx, qy = dst[2 * i + 1] - qmy;
		sa += px * qx + py * qy;
		sb += px * qy - py * qx;
		pp += px * px + py * py;
	}
	if (!(pp > 1e-9))
		return cv::Mat(); // all points equal: no transform
	double a = sa / pp, b = sb / pp;
	double tx = qmx - (a * pmx - b * pmy), ty = qmy - (b * pmx + a * pmy);
	return (cv::Mat_<double>(2, 3) << a, -b, tx, b, a, ty);
}

} // namespace amana_face

extern "C" int amana_face_align(const uint8_t *grey, uint32_t w, uint32_t h,
    const float points[10], uint8_t out[112 * 112], float m[6])
{
	if (grey == nullptr || points == nullptr || out == nullptr || w == 0 || h == 0)
		return AMANA_ERR_ARG;
	if (w > AMANA_FACE_MAX_SIDE || h > AMANA_FACE_MAX_SIDE)
		return AMANA_ERR_LIMIT;
	for (int i = 0; i < 10; i++)
		if (!std::isfinite(points[i]))
			return AMANA_ERR_ARG;
	try {
		cv::Mat t = amana_face::similarity_to_template(points);
		if (t.empty())
			return AMANA_ERR_ARG;
		cv::Mat src((int)h, (int)w, CV_8U, const_cast<uint8_t *>(grey));
		cv::Mat dst(112, 112, CV_8U, out);
		cv::warpAffine(src, dst, t, cv::Size(112, 112), cv::INTER_LINEAR,
		    cv::BORDER_CONSTANT, cv::Scalar(0));
		if (dst.data != out)
			return AMANA_ERR_INTERNAL; // warpAffine must write in place
		if (m != nullptr)
			for (int i = 0; i < 6; i++)
				m[i] = (float)t.at<double>(i / 3, i % 3);
		return AMANA_OK;
	} catch (const std::bad_alloc &) {
		return AMANA_ERR_NOMEM;
	} catch (...) {
		return AMANA_ERR_INTERNAL;
	}
}
