// quality.cpp: refuse a face that would make a poor template, with the
// reason. Measured on the aligned face's centre (the black border that
// alignment adds would count as edges and as darkness), pose from the five
// points. Thresholds: face_internal.hpp; how they were set:
// docs/0202-face-pipeline.md.
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "amana/err.h"
#include "face_internal.hpp"

namespace amana_face {

static const double kPi = 3.14159265358979323846;

int quality_check(const cv::Mat &aligned, const float p[10], amana_face_report_t *r)
{
	// Pose: roll is the angle of the eye line; yaw from how far the nose tip
	// sits off the eyes' midpoint, in eye distances, once roll is undone
	// (nose tip about 0.6 eye distances in front of the eyes: a rough model,
	// good enough to refuse a profile).
	double ex = p[2] - p[0], ey = p[3] - p[1];
	double ed = std::hypot(ex, ey);
	r->eye_distance = (float)ed;
	if (!(ed >= kMinEyeDistance))
		return AMANA_ERR_FACE_SMALL;
	double roll = std::atan2(ey, ex);
	double mx = (p[0] + p[2]) / 2, my = (p[1] + p[3]) / 2;
	double nx = p[4] - mx, ny = p[5] - my;
	double along = (nx * std::cos(roll) + ny * std::sin(roll)) / ed;
	double yaw = std::atan(along / 0.6);
	r->roll = (float)(roll * 180 / kPi);
	r->yaw = (float)(yaw * 180 / kPi);

	cv::Mat centre = aligned(cv::Rect(24, 24, 64, 72));
	cv::Scalar mean, sd;
	cv::meanStdDev(centre, mean, sd);
	cv::Mat lap;
	cv::Laplacian(centre, lap, CV_64F);
	cv::Scalar lm, lsd;
	cv::meanStdDev(lap, lm, lsd);
	r->brightness = (float)mean[0];
	r->contrast = (float)sd[0];
	r->sharpness = (float)(lsd[0] * lsd[0]);

	if (std::fabs(r->roll) > kMaxRoll || std::fabs(r->yaw) > kMaxYaw)
		return AMANA_ERR_FACE_POSE;
	if (r->brightness < kMinBrightness || r->brightness > kMaxBrightness ||
	    r->contrast < kMinContrast)
		return AMANA_ERR_FACE_EXPOSURE;
	if (r->sharpness < kMinSharpness)
		return AMANA_ERR_FACE_BLUR;
	return AMANA_OK;
}

} // namespace amana_face
