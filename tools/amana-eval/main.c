/* amana-eval: biometric evaluation on the shared data sets. The statistics
 * are in tools/eval; each modality has its own file; this one lists them. */
#include "cli.h"
#include "commands.h"

static const cli_cmd_t commands[] = {
	{"face", eval_cmd_face, "evaluate the face matcher on a face data set",
	    "usage: amana-eval face DIR [--json] [--scores FILE] [--det FILE.svg]\n"
	    "                           [--models DIR] [--cascade | --blazeface]\n"
	    "                           [--subjects N] [--per-subject N]\n"
	    "\n"
	    "DIR holds one folder per subject with that subject's images (ORL:\n"
	    "../shared/data/faces/orl). Every pair of detected images is compared:\n"
	    "genuine = same subject, impostor = different subjects. Prints the\n"
	    "detection rate (a face found) and the template rate (found and past\n"
	    "the quality checks), EER (FVC2000), FMR100, FNMR at FMR 1e-3 and 1e-4 with\n"
	    "their thresholds, for int8 templates and for the float embeddings,\n"
	    "and the median milliseconds per stage.\n"
	    "\n"
	    "  --json           one JSON object on stdout (rates as fractions):\n"
	    "                   images, detected, templates, genuine, impostor, eer,\n"
	    "                   fnmr_at_fmr1e3, fnmr_at_fmr1e4, ... and \"float\"\n"
	    "  --scores FILE    write every int8 score (\"genuine|impostor SCORE\")\n"
	    "  --det FILE       write the int8 DET curve as SVG\n"
	    "  --models DIR     model directory (default: AMANA_MODEL_DIR, then the\n"
	    "                   built-in default)\n"
	    "  --cascade        use the Haar cascade instead of fr_detect\n"
	    "  --blazeface      use BlazeFace (blazeface_front_128.onnx) instead\n"
	    "  --subjects N     only the first N subjects (natural order)\n"
	    "  --per-subject N  only the first N images of each subject\n"
	    "\n"
	    "Exit: 0 done, 2 usage, 3 models missing or unreadable, 4 no subject folders\n"
	    "or not enough usable images for genuine and impostor pairs.\n"},
	{"fingerprint", eval_cmd_fingerprint, "evaluate the fingerprint matcher on FVC-style sets",
	    "usage: amana-eval fingerprint DIR... [--iso] [--dpi N] [--json] [--scores FILE]\n"
	    "                                     [--det FILE.svg]\n"
	    "\n"
	    "Each DIR holds FFF_I.tif|png|pgm|bmp images (finger FFF, impression I), or\n"
	    "FFF_I.iso ISO/IEC 19794-2 templates with --iso. Every image goes through\n"
	    "amana_fp_extract; every pair is compared. Two protocols per set: fvc\n"
	    "(genuine: all pairs of a finger; impostor: first impressions of different\n"
	    "fingers) and all-pairs (impostor: every pair of different fingers); with\n"
	    "several sets, all-pairs pooled too. Prints failures to enrol (fte), EER\n"
	    "(FVC2000), FMR100, FMR1000, ZeroFMR, median extraction ms, comparisons/s.\n"
	    "\n"
	    "  --iso            read .iso templates instead of images\n"
	    "  --iso-remap      as --iso, minutiae mapped back to the geometry of the\n"
	    "                   FFF_I.tif beside each record (the SecuGen records of\n"
	    "                   ../shared/data were made on images resized to 300x400)\n"
	    "  --dpi N          image resolution (default 500; 569 for a DB2_ folder)\n"
	    "  --json           one JSON object: sets[] with fvc and all_pairs (eer,\n"
	    "                   fmr100, fmr1000, zerofmr, genuine, impostor), fte;\n"
	    "                   pooled_all_pairs\n"
	    "  --scores FILE    write every pooled all-pairs score\n"
	    "  --det FILE       DET curve (SVG), operating threshold marked\n"
	    "\n"
	    "Exit: 0 done, 2 usage, 3 cannot read DIR, 4 no pairs to score.\n"},
};

int main(int argc, char **argv)
{
	cli_set_prog("amana-eval");
	return cli_dispatch("biometric evaluation (EER, FNMR at fixed FMR, DET)", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
