// landmark.cpp: 68 facial landmarks with fr_landmark (64x64 grey input,
// pixel / 256, output 68 (x, y) pairs in 0..1 of the crop, in the usual
// iBUG 300-W order), then the five alignment points.
//
// Two passes: the detector's box is neither centred nor sized the way the
// landmark network was trained, so the second crop is centred on the
// landmarks the first pass found and sized from their extent
// (kLandmarkCropScale; the comparison of variants is in
// docs/0202-face-pipeline.md). Sizing from the landmarks also makes the
// result independent of which detector drew the box.
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

#include "amana/err.h"
#include "face_internal.hpp"

namespace amana_face {

static int landmark_pass(amana_face_engine &e, const cv::Mat &grey, cv::Point2f centre,
    float side, std::vector<cv::Point2f> &pts)
{
	const float s = 64.0f / side;
	const float x0 = centre.x - side / 2, y0 = centre.y - side / 2;
	cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, -s * x0, 0, s, -s * y0);
	cv::Mat crop;
	cv::warpAffine(grey, crop, m, cv::Size(64, 64), cv::INTER_LINEAR,
	    cv::BORDER_CONSTANT, cv::Scalar(0));
	cv::Mat blob = cv::dnn::blobFromImage(crop, 1.0 / 256.0, cv::Size(64, 64),
	    cv::Scalar(0), false, false, CV_32F);
	e.landmark.setInput(blob);
	cv::Mat out = e.landmark.forward();
	if (out.total() != 136 || out.type() != CV_32F)
		return AMANA_ERR_FACE_MODEL;
	const float *v = out.ptr<float>();
	pts.resize(68);
	for (size_t i = 0; i < 68; i++)
		pts[i] = cv::Point2f(x0 + v[2 * i] * side, y0 + v[2 * i + 1] * side);
	return AMANA_OK;
}

int landmarks68(amana_face_engine &e, const cv::Mat &grey, const cv::Rect2f &box,
    std::vector<cv::Point2f> &pts)
{
	const float side = box.height;
	cv::Point2f c(box.x + box.width / 2, box.y + box.height / 2);
	int rc = landmark_pass(e, grey, c, side, pts);
	if (rc != AMANA_OK)
		return rc;
	float x1 = pts[0].x, x2 = x1, y1 = pts[0].y, y2 = y1;
	for (const cv::Point2f &p : pts) {
		x1 = std::min(x1, p.x);
		x2 = std::max(x2, p.x);
		y1 = std::min(y1, p.y);
		y2 = std::max(y2, p.y);
	}
	cv::Point2f c2((x1 + x2) / 2, (y1 + y2) / 2);
	return landmark_pass(e, grey, c2, std::max(x2 - x1, y2 - y1) * kLandmarkCropScale, pts);
}

static cv::Point2f mean_of(const std::vector<cv::Point2f> &p, std::initializer_list<int> idx)
{
	cv::Point2f s(0, 0);
	for (int i : idx)
		s += p[(size_t)i];
	return s / (float)idx.size();
}

void five_points(const std::vector<cv::Point2f> &p, float out[10])
{
	const cv::Point2f q[5] = {
		mean_of(p, {37, 38, 40, 41}), // left eye (image left)
		mean_of(p, {43, 44, 46, 47}), // right eye
		p[30],                        // nose tip
		mean_of(p, {48, 60}),         // left mouth corner
		mean_of(p, {54, 64}),         // right mouth corner
	};
	for (int i = 0; i < 5; i++) {
		out[2 * i] = q[i].x;
		out[2 * i + 1] = q[i].y;
	}
}

} // namespace amana_face
