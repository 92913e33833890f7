// embed.cpp: the 512-value embedding of an aligned face with fr_feature
// (1x3x112x112, RGB, (x - 127) / 128), L2-normalised. A grey face is fed as
// three equal channels.
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "amana/err.h"
#include "face_internal.hpp"

namespace amana_face {

int embed(amana_face_engine &e, const cv::Mat &aligned, float emb[AMANA_FACE_EMBEDDING_DIM])
{
	cv::Mat rgb;
	cv::cvtColor(aligned, rgb, cv::COLOR_GRAY2RGB);
	cv::Mat blob = cv::dnn::blobFromImage(rgb, 1.0 / 128.0, cv::Size(112, 112),
	    cv::Scalar(127, 127, 127), false, false, CV_32F);
	e.feature.setInput(blob);
	cv::Mat out = e.feature.forward();
	if (out.total() != AMANA_FACE_EMBEDDING_DIM || out.type() != CV_32F)
		return AMANA_ERR_FACE_MODEL;
	const float *v = out.ptr<float>();
	double n2 = 0;
	for (int i = 0; i < AMANA_FACE_EMBEDDING_DIM; i++)
		n2 += (double)v[i] * v[i];
	if (!(n2 > 1e-12) || !std::isfinite(n2))
		return AMANA_ERR_INTERNAL; // a network that outputs zeros or NaN
	const double inv = 1.0 / std::sqrt(n2);
	for (int i = 0; i < AMANA_FACE_EMBEDDING_DIM; i++)
		emb[i] = (float)(v[i] * inv);
	return AMANA_OK;
}

} // namespace amana_face
