# env.sh: sourced by tools/setup, tools/test and tools/demo: where the cache
# of fetched files lives, and the model directory inside it.
if [ -z "${AMANA_CACHE:-}" ]; then
	if [ "$(id -u)" = 0 ] || [ -w /var/cache/amana ]; then
		AMANA_CACHE=/var/cache/amana
	else
		AMANA_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/amana
	fi
fi
export AMANA_CACHE
export AMANA_MODEL_DIR=${AMANA_MODEL_DIR:-$AMANA_CACHE/models}
