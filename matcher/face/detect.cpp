// detect.cpp: face detection. fr_detect (an Ultra-Light-Fast-style SSD,
// 320x240 input) gives softmaxed scores and decoded, normalised corner boxes
// for 4,420 priors; we threshold, merge with NMS and sort by size. BlazeFace
// is the alternative with a documented licence (docs/0201). The Haar
// cascade is the fallback that needs no download (lower recall on tight
// crops, no score: every cascade face gets score 1).
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "amana/err.h"
#include "face_internal.hpp"

namespace amana_face {

static int detect_dnn(amana_face_engine &e, const cv::Mat &grey, std::vector<Face> &faces)
{
	// Resized to 320x240 regardless of aspect, as trained, before the grey
	// becomes three channels (a 4096-pixel image stays cheap), then
	// (x - 127) / 128.
	cv::Mat small, rgb;
	cv::resize(grey, small, cv::Size(320, 240), 0, 0, cv::INTER_LINEAR);
	cv::cvtColor(small, rgb, cv::COLOR_GRAY2RGB);
	cv::Mat blob = cv::dnn::blobFromImage(rgb, 1.0 / 128.0, cv::Size(320, 240),
	    cv::Scalar(127, 127, 127), false, false, CV_32F);
	e.detect.setInput(blob);
	std::vector<cv::Mat> outs;
	e.detect.forward(outs, std::vector<std::string>{"scores", "boxes"});
	if (outs.size() != 2 || outs[0].total() != 4420 * 2 || outs[1].total() != 4420 * 4)
		return AMANA_ERR_FACE_MODEL;
	const float *sc = outs[0].ptr<float>();
	const float *bx = outs[1].ptr<float>();

	std::vector<cv::Rect> rects;  // NMSBoxes wants integer rects in 4.6
	std::vector<cv::Rect2f> boxes;
	std::vector<float> scores;
	const float W = (float)grey.cols, H = (float)grey.rows;
	for (int i = 0; i < 4420; i++) {
		float s = sc[2 * i + 1];
		if (!(s > kDetectScore))
			continue;
		float x1 = bx[4 * i] * W, y1 = bx[4 * i + 1] * H;
		float x2 = bx[4 * i + 2] * W, y2 = bx[4 * i + 3] * H;
		if (!(x2 > x1 && y2 > y1))
			continue;
		boxes.emplace_back(x1, y1, x2 - x1, y2 - y1);
		rects.emplace_back(cvRound(x1), cvRound(y1), cvRound(x2 - x1), cvRound(y2 - y1));
		scores.push_back(s);
	}
	std::vector<int> keep;
	cv::dnn::NMSBoxes(rects, scores, kDetectScore, kDetectNms, keep);
	for (int k : keep)
		faces.push_back(Face{boxes[(size_t)k], scores[(size_t)k]});
	return AMANA_OK;
}

// BlazeFace front (128x128, NHWC, RGB in [-1, 1]): 896 anchors, 2 per cell
// of a 16x16 grid then 6 per cell of an 8x8 grid (MediaPipe's SSD anchor
// options for this model, fixed anchor size). Each regressor row holds the
// box centre offset and size in input pixels, then six keypoints we do not
// use (the landmark network finds better ones).
static int detect_blaze(amana_face_engine &e, const cv::Mat &grey, std::vector<Face> &faces)
{
	// Letterbox to a square so that the network sees undistorted faces.
	const int side = std::max(grey.cols, grey.rows);
	cv::Mat square(side, side, CV_8U, cv::Scalar(0));
	const int ox = (side - grey.cols) / 2, oy = (side - grey.rows) / 2;
	grey.copyTo(square(cv::Rect(ox, oy, grey.cols, grey.rows)));
	cv::Mat small, rgb, f;
	cv::resize(square, small, cv::Size(128, 128), 0, 0, cv::INTER_AREA);
	cv::cvtColor(small, rgb, cv::COLOR_GRAY2RGB);
	rgb.convertTo(f, CV_32FC3, 1.0 / 127.5, -1.0);
	int dims[4] = {1, 128, 128, 3};
	e.detect.setInput(cv::Mat(4, dims, CV_32F, f.ptr<float>()));
	std::vector<cv::Mat> outs;
	e.detect.forward(outs, std::vector<std::string>{"Identity:0", "Identity_1:0",
	    "Identity_2:0", "Identity_3:0"});
	if (outs.size() != 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
	    outs[2].total() != 512 * 16 || outs[3].total() != 384 * 16)
		return AMANA_ERR_FACE_MODEL;

	std::vector<cv::Rect> rects;
	std::vector<cv::Rect2f> boxes;
	std::vector<float> scores;
	const float scale = (float)side;
	for (int layer = 0; layer < 2; layer++) {
		const int grid = layer == 0 ? 16 : 8, per = layer == 0 ? 2 : 6;
		const float *sc = outs[(size_t)layer].ptr<float>();
		const float *rg = outs[(size_t)layer + 2].ptr<float>();
		for (int i = 0; i < grid * grid * per; i++) {
			float logit = std::min(100.0f, std::max(-100.0f, sc[i]));
			float s = 1.0f / (1.0f + std::exp(-logit));
			if (!(s > kBlazeScore))
				continue;
			const int cell = i / per;
			const float ax = ((float)(cell % grid) + 0.5f) / (float)grid;
			const float ay = ((float)(cell / grid) + 0.5f) / (float)grid;
			const float *r = rg + (size_t)i * 16;
			float cx = (ax + r[0] / 128.0f) * scale - (float)ox;
			float cy = (ay + r[1] / 128.0f) * scale - (float)oy;
			float w = r[2] / 128.0f * scale * kBlazeBoxScale;
			float h = r[3] / 128.0f * scale * kBlazeBoxScale;
			if (!(w > 0 && h > 0))
				continue;
			boxes.emplace_back(cx - w / 2, cy - h / 2, w, h);
			rects.emplace_back(cvRound(cx - w / 2), cvRound(cy - h / 2), cvRound(w), cvRound(h));
			scores.push_back(s);
		}
	}
	std::vector<int> keep;
	cv::dnn::NMSBoxes(rects, scores, kBlazeScore, kBlazeNms, keep);
	for (int k : keep)
		faces.push_back(Face{boxes[(size_t)k], scores[(size_t)k]});
	return AMANA_OK;
}

static int detect_cascade(amana_face_engine &e, const cv::Mat &grey, std::vector<Face> &faces)
{
	cv::Mat eq;
	cv::equalizeHist(grey, eq);
	std::vector<cv::Rect> found;
	e.cascade.detectMultiScale(eq, found, 1.1, 4, 0, cv::Size(24, 24));
	// The cascade's box is square and tighter than fr_detect's around the
	// brow and chin; stretch it so the landmark crop sees the whole face.
	for (const cv::Rect &r : found) {
		float cx = (float)r.x + (float)r.width / 2, cy = (float)r.y + (float)r.height / 2;
		float side = (float)r.height * 1.15f;
		faces.push_back(Face{cv::Rect2f(cx - side / 2, cy - side * 0.45f, side, side), 1.0f});
	}
	return AMANA_OK;
}

int detect_faces(amana_face_engine &e, const cv::Mat &grey, std::vector<Face> &faces)
{
	faces.clear();
	int rc;
	if (e.detector == AMANA_FACE_DETECT_CASCADE)
		rc = detect_cascade(e, grey, faces);
	else if (e.detector == AMANA_FACE_DETECT_BLAZEFACE)
		rc = detect_blaze(e, grey, faces);
	else
		rc = detect_dnn(e, grey, faces);
	if (rc != AMANA_OK)
		return rc;
	std::sort(faces.begin(), faces.end(), [](const Face &a, const Face &b) {
		return a.box.area() > b.box.area();
	});
	return AMANA_OK;
}

} // namespace amana_face
