// engine.cpp: loading the models and checking that each file is the
// network we expect. A wrong file fails here, at start-up, with
// AMANA_ERR_FACE_MODEL, rather than later with a confusing shape error.
#include <opencv2/core/utils/logger.hpp>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "amana/err.h"
#include "amana_config.h"
#include "face_internal.hpp"

namespace amana_face {

static std::string model_path(const char *given, const std::string &dir, const char *name)
{
	if (given != nullptr)
		return given;
	return dir + "/" + name;
}

static bool readable(const std::string &path)
{
	FILE *f = std::fopen(path.c_str(), "rb");
	if (f == nullptr)
		return false;
	std::fclose(f);
	return true;
}

static bool has_outputs(cv::dnn::Net &net, const std::vector<std::string> &names)
{
	std::vector<std::string> outs = net.getUnconnectedOutLayersNames();
	for (const std::string &n : names) {
		bool found = false;
		for (const std::string &o : outs)
			found = found || o == n;
		if (!found)
			return false;
	}
	return true;
}

// Runs each network once on a blank input of its documented shape and
// checks the output sizes.
static bool self_check(amana_face_engine &e)
{
	if (e.detector == AMANA_FACE_DETECT_BLAZEFACE) {
		int bdims[4] = {1, 128, 128, 3}; // NHWC, as converted from TFLite
		e.detect.setInput(cv::Mat(4, bdims, CV_32F, cv::Scalar(0)));
		std::vector<cv::Mat> outs;
		e.detect.forward(outs, e.detect.getUnconnectedOutLayersNames());
		if (outs.size() != 4 || outs[0].total() != 512 || outs[1].total() != 384 ||
		    outs[2].total() != 512 * 16 || outs[3].total() != 384 * 16)
			return false;
	}
	if (e.detector == AMANA_FACE_DETECT_DNN) {
		if (!has_outputs(e.detect, {"scores", "boxes"}))
			return false;
		int dims[4] = {1, 3, 240, 320};
		e.detect.setInput(cv::Mat(4, dims, CV_32F, cv::Scalar(0)));
		std::vector<cv::Mat> outs;
		e.detect.forward(outs, std::vector<std::string>{"scores", "boxes"});
		if (outs.size() != 2 || outs[0].total() != 4420 * 2 || outs[1].total() != 4420 * 4)
			return false;
	}
	int ldims[4] = {1, 1, 64, 64};
	e.landmark.setInput(cv::Mat(4, ldims, CV_32F, cv::Scalar(0)));
	if (e.landmark.forward().total() != 136)
		return false;
	int fdims[4] = {1, 3, 112, 112};
	e.feature.setInput(cv::Mat(4, fdims, CV_32F, cv::Scalar(0)));
	return e.feature.forward().total() == AMANA_FACE_EMBEDDING_DIM;
}

static int load_net(cv::dnn::Net &net, const std::string &path)
{
	if (!readable(path))
		return AMANA_ERR_FACE_MODEL;
	net = cv::dnn::readNetFromONNX(path);
	if (net.empty())
		return AMANA_ERR_FACE_MODEL;
	net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
	net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
	return AMANA_OK;
}

int load_models(amana_face_engine &e, const amana_face_models_t &m)
{
	std::string dir;
	const char *env = std::getenv("AMANA_MODEL_DIR");
	if (m.dir != nullptr)
		dir = m.dir;
	else if (env != nullptr && env[0] != '\0')
		dir = env;
	else
		dir = AMANA_MODEL_DIR_DEFAULT;

	e.detector = m.detector;
	int rc;
	if (e.detector == AMANA_FACE_DETECT_DNN) {
		rc = load_net(e.detect, model_path(m.detect, dir, "fr_detect.onnx"));
		if (rc != AMANA_OK)
			return rc;
	} else if (e.detector == AMANA_FACE_DETECT_BLAZEFACE) {
		rc = load_net(e.detect, model_path(m.blazeface, dir, "blazeface_front_128.onnx"));
		if (rc != AMANA_OK)
			return rc;
	} else if (e.detector == AMANA_FACE_DETECT_CASCADE) {
		std::string c = m.cascade != nullptr ? m.cascade :
		    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
		if (!readable(c) || !e.cascade.load(c) || e.cascade.empty())
			return AMANA_ERR_FACE_MODEL;
	} else {
		return AMANA_ERR_ARG;
	}
	rc = load_net(e.landmark, model_path(m.landmark, dir, "fr_landmark.onnx"));
	if (rc != AMANA_OK)
		return rc;
	rc = load_net(e.feature, model_path(m.feature, dir, "fr_feature.onnx"));
	if (rc != AMANA_OK)
		return rc;
	return self_check(e) ? AMANA_OK : AMANA_ERR_FACE_MODEL;
}

} // namespace amana_face

extern "C" int amana_face_engine_new_with(amana_face_engine_t **e, const amana_face_models_t *m)
{
	if (e == nullptr || m == nullptr)
		return AMANA_ERR_ARG;
	*e = nullptr;
	amana_face_engine *n = nullptr;
	int rc;
	try {
		// The members' constructors allocate too: inside the try.
		n = new amana_face_engine();
		// OpenCV would print every importer note on stderr.
		cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
		rc = amana_face::load_models(*n, *m);
	} catch (const std::bad_alloc &) {
		rc = AMANA_ERR_NOMEM;
	} catch (...) {
		// cv::Exception from the ONNX importer or a shape mismatch in the
		// self-check: the file is not the model we expect.
		rc = AMANA_ERR_FACE_MODEL;
	}
	if (rc != AMANA_OK) {
		delete n;
		return rc;
	}
	*e = n;
	return AMANA_OK;
}

extern "C" int amana_face_engine_new(amana_face_engine_t **e, const char *model_dir)
{
	amana_face_models_t m = {};
	m.dir = model_dir;
	m.detector = AMANA_FACE_DETECT_DNN;
	return amana_face_engine_new_with(e, &m);
}

extern "C" void amana_face_engine_free(amana_face_engine_t **e)
{
	if (e == nullptr || *e == nullptr)
		return;
	delete *e;
	*e = nullptr;
}

extern "C" void amana_face_set_threads(int n)
{
	try {
		cv::setNumThreads(n);
	} catch (...) {
		// Only a hint: nothing to report.
	}
}
