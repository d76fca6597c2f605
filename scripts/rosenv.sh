# shellcheck shell=bash
# Source this file to get the environment that builds and runs webcam_node.
#
# Which ROS 2: a sourced distro (AMENT_PREFIX_PATH with rcl headers in it) wins;
# otherwise the project's .venv with the Kilted wheels from PyPI.
#
# Exports: WEBCAM_ROOT, WEBCAM_ROS_FROM (sourced|venv), WEBCAM_ROS_PREFIXES
# (colon list), VENV, CGO_CFLAGS, CGO_LDFLAGS, GOFLAGS, RMW_IMPLEMENTATION,
# LD_LIBRARY_PATH (wheel library folders), and AMENT_PREFIX_PATH in venv mode.
#
# Keep the flags stable: any change to CGO_* rebuilds every cgo package.

WEBCAM_ROOT=${WEBCAM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VENV=${VENV:-$WEBCAM_ROOT/.venv}
export WEBCAM_ROOT VENV

webcam_has_rcl() { [ -f "$1/include/rcl/rcl/node.h" ] || [ -f "$1/include/rcl/node.h" ]; }

WEBCAM_ROS_FROM=venv
WEBCAM_ROS_PREFIXES=$VENV
if [ -n "${AMENT_PREFIX_PATH:-}" ]; then
  _webcam_list=
  _webcam_found=
  IFS=: read -r -a _webcam_ps <<<"$AMENT_PREFIX_PATH"
  for _p in "${_webcam_ps[@]}"; do
    [ -d "$_p" ] || continue
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

# Project-owned link folder: wheels ship no librmw_implementation.so, which
# rclgo links; point it at Fast DDS's rmw (the only rmw the wheels carry).
_webcam_linkdir=$WEBCAM_ROOT/build/cgo-lib
_cflags="-O2 -I$WEBCAM_ROOT/cgo/include"
_ldflags="-L$_webcam_linkdir"
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
  if [ ! -e "$_p/lib/librmw_implementation.so" ] && [ -e "$_p/lib/librmw_fastrtps_cpp.so" ]; then
    mkdir -p "$_webcam_linkdir"
    ln -sfn "$_p/lib/librmw_fastrtps_cpp.so" "$_webcam_linkdir/librmw_implementation.so"
    export RMW_IMPLEMENTATION=${RMW_IMPLEMENTATION:-rmw_fastrtps_cpp}
  fi
done
# A binary that runs with no environment at all: rpaths, not runpaths.
_ldflags="$_ldflags -Wl,--disable-new-dtags"
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
unset _webcam_linkdir _cflags _ldflags _ldpath _webcam_ps _p _d _pylib _pyver
