// face_internal.hpp (internal, C++): the engine behind amana/face.h and the
// stages of the pipeline. Nothing here is visible to C callers.
#ifndef AMANA_FACE_INTERNAL_HPP
#define AMANA_FACE_INTERNAL_HPP

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/objdetect.hpp>

#include <vector>

#include "amana/face.h"

struct amana_face_engine {
	cv::dnn::Net detect, landmark, feature; // detect: fr_detect or BlazeFace
	cv::CascadeClassifier cascade;
	amana_face_detector_t detector = AMANA_FACE_DETECT_DNN;
};

namespace amana_face {

// Tuning constants of the pipeline, with the reason for each value in
// docs/0202-face-pipeline.md.
constexpr float kPadFraction = 0.2f;   // pad by 0.2 max(w, h) on each side
constexpr float kDetectScore = 0.65f;  // fr_detect face probability
constexpr float kDetectNms = 0.4f;     // IoU above which boxes merge
constexpr float kBlazeScore = 0.75f;   // BlazeFace (MediaPipe's default)
constexpr float kBlazeNms = 0.3f;
constexpr float kBlazeBoxScale = 1.2f; // its box stops at the brows
constexpr float kSeveralRatio = 0.7f;  // second face this big: ambiguous
constexpr float kMinFaceSide = 32.0f;  // pixels, detector box height
constexpr float kLandmarkCropScale = 1.25f; // 2nd crop side / landmark extent
constexpr float kMinEyeDistance = 8.0f; // pixels
constexpr float kMinSharpness = 15.0f; // variance of Laplacian, aligned
constexpr float kMinBrightness = 25.0f, kMaxBrightness = 230.0f;
constexpr float kMinContrast = 12.0f;
constexpr float kMaxRoll = 40.0f, kMaxYaw = 45.0f; // degrees

struct Face {
	cv::Rect2f box; // in the coordinates of the image searched
	float score;
};

// Detects faces in a grey image; the caller pads. Sorted, largest first.
int detect_faces(amana_face_engine &e, const cv::Mat &grey, std::vector<Face> &faces);

// 68 landmarks of the face in box (grey image coordinates), two passes.
int landmarks68(amana_face_engine &e, const cv::Mat &grey, const cv::Rect2f &box,
    std::vector<cv::Point2f> &pts);

// The five alignment points from the 68 (left eye, right eye, nose, mouth
// corners), in the 68 points' coordinates.
void five_points(const std::vector<cv::Point2f> &pts68, float out[10]);

// Least-squares similarity transform taking src (5 points) to the template.
cv::Mat similarity_to_template(const float src[10]);

// 512-float L2-normalised embedding of an aligned 112x112 grey face.
int embed(amana_face_engine &e, const cv::Mat &aligned, float emb[AMANA_FACE_EMBEDDING_DIM]);

// Quality of the aligned face and pose from the points; fills the report,
// returns AMANA_OK or the refusal.
int quality_check(const cv::Mat &aligned, const float pts[10], amana_face_report_t *r);

// Model loading and the self-check on a blank input.
int load_models(amana_face_engine &e, const amana_face_models_t &m);

} // namespace amana_face

#endif
