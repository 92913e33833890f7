# env.sh: sourced by tools/test and tools/demo after tools/setup: the cache
# location both use (same rule as tools/setup).
if [ -z "${AMANA_CACHE:-}" ]; then
	if [ "$(id -u)" = 0 ] || [ -w /var/cache/amana ]; then
		AMANA_CACHE=/var/cache/amana
	else
		AMANA_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/amana
	fi
fi
export AMANA_CACHE
export AMANA_MODEL_DIR=${AMANA_MODEL_DIR:-$AMANA_CACHE/models}
