# shellcheck shell=bash
# Source this file to get the environment that builds and runs webcam_node.
#
# Which ROS 2: a sourced distro (AMENT_PREFIX_PATH with rcl headers in it) wins;
# otherwise the project's venv with pinned wheels from PyPI, by ROS_DISTRO
# (scripts/distro.sh): Kilted in .venv (default), Jazzy in .venv-jazzy
# (ROS_DISTRO=jazzy). VENV overrides the folder. VENV is also the Python (rclpy)
# of the tests, in both modes.
#
# Exports: WEBCAM_ROOT, WEBCAM_ROS_FROM (sourced|venv), WEBCAM_ROS_PREFIXES
# (colon list), VENV, CGO_CFLAGS, CGO_LDFLAGS, GOFLAGS, RMW_IMPLEMENTATION,
# LD_LIBRARY_PATH (wheel library folders), and AMENT_PREFIX_PATH in venv mode.
# Writes only ${XDG_CACHE_HOME:-~/.cache}/webcam (overlay headers, rmw link).
#
# Keep the flags stable: any change to CGO_* rebuilds every cgo package.

WEBCAM_ROOT=${WEBCAM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=distro.sh
source "$WEBCAM_ROOT/scripts/distro.sh"
VENV=${VENV:-$WEBCAM_DISTRO_VENV}
export WEBCAM_ROOT VENV

webcam_has_rcl() { [ -f "$1/include/rcl/rcl/node.h" ] || [ -f "$1/include/rcl/node.h" ]; }

WEBCAM_ROS_FROM=venv
WEBCAM_ROS_PREFIXES=$VENV
if [ -n "${AMENT_PREFIX_PATH:-}" ]; then
  _webcam_list=
  _webcam_found=
  IFS=: read -r -a _webcam_ps <<<"$AMENT_PREFIX_PATH"
  for _p in "${_webcam_ps[@]}"; do
    # A prefix without include/ has nothing for cgo nor the bindings (e.g. a
    # sourced workspace's own install/webcam): leaving it out keeps the flags,
    # and so the Go build cache, the same whichever workspace is sourced.
    [ -d "$_p/include" ] || continue
    case ":$_webcam_list:" in *":$_p:"*) continue ;; esac
    _webcam_list=${_webcam_list:+$_webcam_list:}$_p
    webcam_has_rcl "$_p" && _webcam_found=1
  done
  if [ -n "$_webcam_found" ]; then
    WEBCAM_ROS_FROM=sourced
    WEBCAM_ROS_PREFIXES=$_webcam_list
  fi
  unset _webcam_list _webcam_found _webcam_ps _p
fi
export WEBCAM_ROS_FROM WEBCAM_ROS_PREFIXES
if [ "$WEBCAM_ROS_FROM" = venv ]; then
  if [ -z "$WEBCAM_DISTRO_KNOWN" ]; then
    echo "rosenv.sh: ROS_DISTRO=$ROS_DISTRO has no pinned wheels here (kilted, jazzy): source its setup.bash, or unset ROS_DISTRO" >&2
    return 1
  fi
  # (A venv without the mark, made before there was one, is Kilted's.)
  _d=$(cat "$VENV/.ros-distro" 2>/dev/null || echo kilted)
  if [ -d "$VENV" ] && [ "$_d" != "$WEBCAM_DISTRO" ]; then
    echo "rosenv.sh: $VENV holds $_d's wheels, but ROS_DISTRO asks for $WEBCAM_DISTRO: unset VENV, or run scripts/setup.sh" >&2
    unset _d
    return 1
  fi
  unset _d
fi

# The cgo flags key every cgo package in the Go build cache, so they name no
# checkout: folders under the user's cache named by their content. A colcon
# workspace's copy of the sources then reuses `make build`'s cache, and an edit
# of the overlay headers rebuilds what includes them (cgo hashes no headers
# outside a package).
if [ -n "${XDG_CACHE_HOME:-}" ]; then _webcam_cache=$XDG_CACHE_HOME/webcam
elif [ -n "${HOME:-}" ]; then _webcam_cache=$HOME/.cache/webcam
else _webcam_cache=$WEBCAM_ROOT/build/cgo-cache; fi
_h=$(cd "$WEBCAM_ROOT/cgo/include" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
_webcam_inc=$_webcam_cache/include-$_h
if [ ! -d "$_webcam_inc" ]; then
  mkdir -p "$_webcam_cache"
  _d=$(mktemp -d "$_webcam_cache/.include.XXXXXX")
  cp -R "$WEBCAM_ROOT/cgo/include/." "$_d/"
  mv -T "$_d" "$_webcam_inc" 2>/dev/null || rm -rf "$_d" # another shell won the race
fi
_cflags="-O2 -I$_webcam_inc"
_ldflags=
_ldpath=
IFS=: read -r -a _webcam_ps <<<"$WEBCAM_ROS_PREFIXES"
for _p in "${_webcam_ps[@]}"; do
  for _d in "$_p"/include/*/; do
    case "$_d" in */python3*/ | "$_p/include/*/") continue ;; esac
    _cflags="$_cflags -I${_d%/}"
  done
  _cflags="$_cflags -I$_p/include"
  [ -d "$_p/lib" ] && _ldflags="$_ldflags -L$_p/lib -Wl,-rpath,$_p/lib"
  # Wheel layout: vendored libraries in site-packages/ros_*.libs, and
  # *__rosidl_generator_py.so pulled by librcl, which need libpython.
  for _d in "$_p"/lib/python3*/site-packages/ros_*.libs; do
    [ -d "$_d" ] || continue
    _ldflags="$_ldflags -Wl,-rpath-link,$_d -Wl,-rpath,$_d"
    _ldpath=${_ldpath:+$_ldpath:}$_d
  done
  if [ -f "$_p/pyvenv.cfg" ] && [ -x "$_p/bin/python" ]; then
    _pylib=$("$_p/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
    _pyver=$("$_p/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("LDVERSION"))')
    _ldflags="$_ldflags -L$_pylib -Wl,-rpath,$_pylib -Wl,--push-state,--no-as-needed -lpython$_pyver -Wl,--pop-state"
    _ldpath=${_ldpath:+$_ldpath:}$_p/lib
  fi
  # Wheels ship no librmw_implementation.so, which rclgo links: a link to Fast
  # DDS's rmw (the only rmw the wheels carry), in a folder named by the prefix.
  if [ ! -e "$_p/lib/librmw_implementation.so" ] && [ -e "$_p/lib/librmw_fastrtps_cpp.so" ]; then
    _d=$_webcam_cache/rmw-$(printf %s "$_p" | sha256sum | cut -c1-16)
    if [ "$(readlink "$_d/librmw_implementation.so" 2>/dev/null)" != "$_p/lib/librmw_fastrtps_cpp.so" ]; then
      mkdir -p "$_d"
      ln -sfn "$_p/lib/librmw_fastrtps_cpp.so" "$_d/librmw_implementation.so"
    fi
    _ldflags="$_ldflags -L$_d"
    export RMW_IMPLEMENTATION=${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}
  fi
done
# A binary that runs with no environment at all: rpaths, not runpaths.
_ldflags="${_ldflags# } -Wl,--disable-new-dtags"
export CGO_CFLAGS="$_cflags"
export CGO_CXXFLAGS="${CGO_CXXFLAGS:--O2}"
export CGO_LDFLAGS="$_ldflags"
export CGO_ENABLED=1
case " ${GOFLAGS:-} " in
  *" -tags=gocv_specific_modules,gocv_videoio "*) ;;
  *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=gocv_specific_modules,gocv_videoio" ;;
esac
if [ -n "$_ldpath" ]; then
  export LD_LIBRARY_PATH="$_ldpath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ "$WEBCAM_ROS_FROM" = venv ]; then
  export AMENT_PREFIX_PATH="$VENV"
fi
unset _webcam_cache _webcam_inc _h _cflags _ldflags _ldpath _webcam_ps _p _d _pylib _pyver
