// pipeline.cpp: the C entry points that turn an image into a template. The
// C++ stages run inside one try block per call: no exception leaves here.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/stat.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "amana/err.h"
#include "face_internal.hpp"
#include "image_probe.h"

namespace amana_face {

using clock_type = std::chrono::steady_clock;

static double ms_since(clock_type::time_point t0)
{
	return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

static void quantise(const float *emb, uint8_t out[AMANA_FACE_TEMPLATE_BYTES])
{
	out[0] = AMANA_FACE_TEMPLATE_VERSION;
	for (int i = 0; i < AMANA_FACE_EMBEDDING_DIM; i++) {
		long q = std::lround(127.0f * emb[i]);
		q = q > 127 ? 127 : (q < -127 ? -127 : q);
		int8_t s = (int8_t)q;
		std::memcpy(&out[1 + i], &s, 1);
	}
}

// The pipeline proper; r is never NULL here.
static int make_template(amana_face_engine &e, const cv::Mat &grey,
    uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *r)
{
	r->stage = "detect";
	auto t0 = clock_type::now();
	const int pad = (int)std::lround(kPadFraction * (float)std::max(grey.cols, grey.rows));
	cv::Mat padded;
	cv::copyMakeBorder(grey, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(0));
	std::vector<Face> faces;
	int rc = detect_faces(e, padded, faces);
	r->ms_detect = ms_since(t0);
	if (rc != AMANA_OK)
		return rc;
	r->faces = (uint32_t)faces.size();
	if (faces.empty())
		return AMANA_ERR_FACE_NONE;
	const Face &f = faces[0];
	r->score = f.score;
	r->box[0] = f.box.x - (float)pad;
	r->box[1] = f.box.y - (float)pad;
	r->box[2] = f.box.width;
	r->box[3] = f.box.height;
	if (faces.size() > 1 && faces[1].box.height >= kSeveralRatio * f.box.height)
		return AMANA_ERR_FACE_SEVERAL;
	if (f.box.height < kMinFaceSide)
		return AMANA_ERR_FACE_SMALL;

	r->stage = "landmark";
	t0 = clock_type::now();
	std::vector<cv::Point2f> pts;
	cv::Rect2f box(r->box[0], r->box[1], r->box[2], r->box[3]);
	rc = landmarks68(e, grey, box, pts);
	r->ms_landmark = ms_since(t0);
	if (rc != AMANA_OK)
		return rc;
	five_points(pts, r->points);

	r->stage = "quality";
	t0 = clock_type::now();
	cv::Mat m = similarity_to_template(r->points);
	if (m.empty())
		return AMANA_ERR_FACE_POSE; // landmarks collapsed to one point
	cv::Mat aligned;
	cv::warpAffine(grey, aligned, m, cv::Size(112, 112), cv::INTER_LINEAR,
	    cv::BORDER_CONSTANT, cv::Scalar(0));
	r->ms_align = ms_since(t0);
	rc = quality_check(aligned, r->points, r);
	if (rc != AMANA_OK)
		return rc;

	r->stage = "embed";
	t0 = clock_type::now();
	rc = embed(e, aligned, r->embedding);
	r->ms_embed = ms_since(t0);
	if (rc != AMANA_OK)
		return rc;
	quantise(r->embedding, out);
	r->stage = "done";
	return AMANA_OK;
}

// Runs f() with the C boundary's guarantees: the report is reset first and
// holds the outcome last; on failure out is zeroed; exceptions become codes.
template <typename F>
static int guarded(uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why, F f)
{
	amana_face_report_t local;
	amana_face_report_t *r = why != nullptr ? why : &local;
	std::memset(r, 0, sizeof(*r));
	r->stage = "decode";
	int rc;
	try {
		rc = f(r);
	} catch (const std::bad_alloc &) {
		rc = AMANA_ERR_NOMEM;
	} catch (const cv::Exception &ex) {
		rc = ex.code == cv::Error::StsNoMem ? AMANA_ERR_NOMEM : AMANA_ERR_INTERNAL;
	} catch (...) {
		rc = AMANA_ERR_INTERNAL;
	}
	r->reason = rc;
	if (rc != AMANA_OK && out != nullptr)
		std::memset(out, 0, AMANA_FACE_TEMPLATE_BYTES);
	return rc;
}

static int check_size(uint32_t w, uint32_t h)
{
	if (w > AMANA_FACE_MAX_SIDE || h > AMANA_FACE_MAX_SIDE)
		return AMANA_ERR_LIMIT;
	if (w < 16 || h < 16)
		return AMANA_ERR_FACE_SMALL;
	return AMANA_OK;
}

static int decode(const uint8_t *buf, size_t len, cv::Mat &grey)
{
	face_image_kind_t kind;
	uint32_t w, h;
	int rc = face_image_probe(buf, len, &kind, &w, &h);
	if (rc != AMANA_OK)
		return rc;
	cv::Mat raw(1, (int)len, CV_8U, const_cast<uint8_t *>(buf));
	try {
		grey = cv::imdecode(raw, cv::IMREAD_GRAYSCALE);
	} catch (const cv::Exception &) {
		return AMANA_ERR_FACE_IMAGE; // a decoder that throws on bad data
	}
	// A header that lies about the size is corrupt, whatever the decoder
	// made of it.
	if (grey.empty() || grey.type() != CV_8U || (uint32_t)grey.cols != w ||
	    (uint32_t)grey.rows != h)
		return AMANA_ERR_FACE_IMAGE;
	if (!grey.isContinuous())
		grey = grey.clone();
	return AMANA_OK;
}

} // namespace amana_face

using namespace amana_face;

extern "C" int amana_face_template_from_image(amana_face_engine_t *e, const uint8_t *grey,
    uint32_t w, uint32_t h, uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why)
{
	return guarded(out, why, [&](amana_face_report_t *r) {
		if (e == nullptr || grey == nullptr || out == nullptr)
			return (int)AMANA_ERR_ARG;
		r->width = w;
		r->height = h;
		int rc = check_size(w, h);
		if (rc != AMANA_OK)
			return rc;
		cv::Mat m((int)h, (int)w, CV_8U, const_cast<uint8_t *>(grey));
		return make_template(*e, m, out, r);
	});
}

extern "C" int amana_face_template_from_encoded(amana_face_engine_t *e, const uint8_t *buf,
    size_t len, uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why)
{
	return guarded(out, why, [&](amana_face_report_t *r) {
		if (e == nullptr || buf == nullptr || out == nullptr)
			return (int)AMANA_ERR_ARG;
		auto t0 = clock_type::now();
		cv::Mat grey;
		int rc = decode(buf, len, grey);
		r->ms_decode = ms_since(t0);
		if (rc != AMANA_OK)
			return rc;
		r->width = (uint32_t)grey.cols;
		r->height = (uint32_t)grey.rows;
		rc = check_size(r->width, r->height);
		if (rc != AMANA_OK)
			return rc;
		return make_template(*e, grey, out, r);
	});
}

extern "C" int amana_face_template_from_file(amana_face_engine_t *e, const char *path,
    uint8_t out[AMANA_FACE_TEMPLATE_BYTES], amana_face_report_t *why)
{
	if (e == nullptr || path == nullptr || out == nullptr) {
		if (why != nullptr) {
			std::memset(why, 0, sizeof(*why));
			why->reason = AMANA_ERR_ARG;
			why->stage = "decode";
		}
		return AMANA_ERR_ARG;
	}
	FILE *f = std::fopen(path, "rb");
	uint8_t *buf = nullptr;
	size_t n = 0;
	int rc = AMANA_ERR_FACE_IMAGE;
	if (f != nullptr) {
		// Only regular files: a directory or a device has no meaningful
		// size and is not an image.
		struct stat st;
		long size = -1;
		if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
			size = st.st_size > (off_t)LONG_MAX ? LONG_MAX : (long)st.st_size;
		if (size > (long)AMANA_FACE_MAX_FILE)
			rc = AMANA_ERR_LIMIT;
		else if (size >= 0) {
			buf = (uint8_t *)std::malloc(size > 0 ? (size_t)size : 1);
			if (buf == nullptr)
				rc = AMANA_ERR_NOMEM;
			else {
				n = std::fread(buf, 1, (size_t)size, f);
				rc = (n == (size_t)size && std::ferror(f) == 0) ? AMANA_OK :
				    AMANA_ERR_FACE_IMAGE;
			}
		}
		std::fclose(f);
	}
	if (rc == AMANA_OK)
		rc = amana_face_template_from_encoded(e, buf, n, out, why);
	else if (why != nullptr) {
		std::memset(why, 0, sizeof(*why));
		why->reason = rc;
		why->stage = "decode";
	}
	if (rc != AMANA_OK)
		std::memset(out, 0, AMANA_FACE_TEMPLATE_BYTES);
	std::free(buf);
	return rc;
}

extern "C" int amana_face_image_decode(const uint8_t *buf, size_t len, uint8_t **grey,
    uint32_t *w, uint32_t *h)
{
	if (buf == nullptr || grey == nullptr || w == nullptr || h == nullptr)
		return AMANA_ERR_ARG;
	*grey = nullptr;
	*w = *h = 0;
	try {
		cv::Mat m;
		int rc = decode(buf, len, m);
		if (rc != AMANA_OK)
			return rc;
		size_t n = m.total();
		uint8_t *p = (uint8_t *)std::malloc(n);
		if (p == nullptr)
			return AMANA_ERR_NOMEM;
		std::memcpy(p, m.data, n);
		*grey = p;
		*w = (uint32_t)m.cols;
		*h = (uint32_t)m.rows;
		return AMANA_OK;
	} catch (const std::bad_alloc &) {
		return AMANA_ERR_NOMEM;
	} catch (...) {
		return AMANA_ERR_INTERNAL;
	}
}
