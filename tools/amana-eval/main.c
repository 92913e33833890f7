/* amana-eval: biometric evaluation on the shared data sets. The statistics
 * are in tools/eval; each modality has its own file; this one lists them. */
#include "cli.h"
#include "commands.h"

static const cli_cmd_t commands[] = {
	{"face", eval_cmd_face, "evaluate the face matcher on a face data set",
	    "usage: amana-eval face DIR [--json] [--scores FILE] [--det FILE.svg]\n"
	    "                           [--models DIR] [--cascade] [--subjects N] [--per-subject N]\n"
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
	    "  --subjects N     only the first N subjects (natural order)\n"
	    "  --per-subject N  only the first N images of each subject\n"
	    "\n"
	    "Exit: 0 done, 2 usage, 3 models missing, 4 fewer than two usable images.\n"},
	/* fingerprint row: issue 3 adds it here (eval_cmd_fingerprint). */
};

int main(int argc, char **argv)
{
	cli_set_prog("amana-eval");
	return cli_dispatch("biometric evaluation (EER, FNMR at fixed FMR, DET)", commands,
	    sizeof(commands) / sizeof(commands[0]), argc, argv);
}
