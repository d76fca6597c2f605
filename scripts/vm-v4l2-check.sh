#!/usr/bin/env bash
# Check the v4l2 source against a real V4L2 driver: boots this machine's own
# root filesystem (read-only, over 9p) in a qemu VM with the vivid test driver
# loaded, and v4l2loopback fed MJPEG when its module is installed
# (apt-get install linux-headers-<kernel> v4l2loopback-dkms), and runs
# capture's device tests (-tags v4l2device) there.
# Not for CI. Needs: qemu-system-x86, a Debian linux-image with its modules,
# busybox-static. Runs under TCG (a few minutes); WEBCAM_VM_KVM=1 for KVM.
#
#   scripts/vm-v4l2-check.sh            # prints the test log, exits with its status
#   KERNEL_VERSION=6.1.0-56-amd64 scripts/vm-v4l2-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

kver=${KERNEL_VERSION:-$(ls /lib/modules | sort -V | tail -n1)}
kernel=/boot/vmlinuz-$kver
for need in qemu-system-x86_64 busybox; do
  command -v "$need" >/dev/null || { echo "missing $need (apt-get install qemu-system-x86 busybox-static)" >&2; exit 2; }
done
[ -r "$kernel" ] || { echo "missing $kernel (apt-get install linux-image-amd64)" >&2; exit 2; }
modinfo -k "$kver" vivid >/dev/null || { echo "kernel $kver has no vivid module" >&2; exit 2; }

work=$(mktemp -d /tmp/vm-v4l2.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/initrd/{bin,mods,newroot,proc,sys,dev}

# The test binary, built here, run in the VM from the shared work folder.
# shellcheck source=scripts/rosenv.sh
source scripts/rosenv.sh
go test -c -tags gocv_specific_modules,gocv_videoio,v4l2device -o "$work/capture.test" ./capture/

# An initramfs that only mounts the host's root over 9p and switches to it:
# the modules for that, in load order, and busybox.
cp "$(command -v busybox)" "$work/initrd/bin/busybox"
mods=()
for m in virtio_pci 9pnet_virtio 9p; do
  while read -r _ path; do
    name=$(basename "$path")
    [ -e "$work/initrd/mods/$name" ] && continue
    cp "$path" "$work/initrd/mods/$name"
    mods+=("$name")
  done < <(modprobe -S "$kver" --show-depends "$m" | grep '^insmod')
done
cat >"$work/initrd/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in ${mods[*]}; do insmod /mods/\$m || echo "insmod \$m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /newroot || { echo "cannot mount the host root"; poweroff -f; }
mount -t 9p -o trans=virtio,version=9p2000.L,rw work /newroot/mnt
mount -t tmpfs tmp /newroot/tmp
mount -t tmpfs run /newroot/run
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /bin/sh /mnt/guest.sh
EOF
chmod +x "$work/initrd/init"

# What runs in the VM, as root, on the host's filesystem.
cat >"$work/guest.sh" <<EOF
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp
export LD_LIBRARY_PATH='${LD_LIBRARY_PATH:-}'
modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x0 && echo "vivid loaded"
sleep 1
dev=\$(for d in /sys/class/video4linux/video*; do [ "\$(cat \$d/name)" = "vivid-000-vid-cap" ] && echo /dev/\$(basename \$d); done | head -n1)
echo "vivid capture node: \$dev"
# An MJPEG "camera": v4l2loopback fed JPEG frames by ffmpeg, if installed.
mjpeg=
if modprobe v4l2loopback video_nr=10 exclusive_caps=1 card_label=mjpeg-loopback 2>/dev/null; then
  ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc2=size=640x480:rate=15 \\
    -c:v mjpeg -q:v 5 -f v4l2 /dev/video10 >/mnt/feeder.log 2>&1 &
  feeder=\$!
  for i in \$(seq 60); do
    grep -q MJPG /sys/devices/virtual/video4linux/video10/format 2>/dev/null && break
    kill -0 \$feeder 2>/dev/null || break
    sleep 1
  done
  echo "loopback format: \$(cat /sys/devices/virtual/video4linux/video10/format 2>&1)"
  sed 's/^/feeder: /' /mnt/feeder.log
  mjpeg=/dev/video10
fi
echo "MJPEG node: \${mjpeg:-none (no v4l2loopback module)}"
cd /mnt
WEBCAM_V4L2_DEVICE=\$dev WEBCAM_V4L2_MJPEG=\$mjpeg ./capture.test -test.run 'V4L2Device' -test.v -test.count=1 -test.timeout 240s >/mnt/result.txt 2>&1
echo \$? >/mnt/status
# The device's controls as the node declares them: the node on vivid, and
# ros2 param describe of one device control (when the ros2 CLI is installed).
if [ -x '$root/build/webcam_node' ] && command -v ros2 >/dev/null; then
  '$root/build/webcam_node' --ros-args -r __ns:=/vmcheck -p video_device:=\$dev -p http_port:=0 >/mnt/node.log 2>&1 &
  node=\$!
  sleep 8
  ros2 param list /vmcheck/webcam >/mnt/params.txt 2>&1
  ros2 param describe /vmcheck/webcam brightness >>/mnt/params.txt 2>&1
  ros2 param describe /vmcheck/webcam \$(grep -o -m1 -E '^ *(gain|contrast|saturation|hue)\$' /mnt/params.txt | tr -d ' ') >>/mnt/params.txt 2>&1
  kill -INT \$node; wait \$node
else
  echo "no build/webcam_node or no ros2 CLI in the VM: device control parameters not described" >/mnt/params.txt
fi
echo o >/proc/sysrq-trigger
EOF

(cd "$work/initrd" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# TCG by default: under nested virtualisation KVM may hang at boot (seen
# here); WEBCAM_VM_KVM=1 uses /dev/kvm.
accel=(-accel tcg,thread=multi -cpu max)
[ "${WEBCAM_VM_KVM:-0}" = 1 ] && accel=(-enable-kvm -cpu host)
timeout 600 qemu-system-x86_64 "${accel[@]}" -m 2048 -smp 2 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$work/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$work,mount_tag=work,security_model=none" >"$work/console.log" 2>&1 || true

if [ ! -f "$work/status" ]; then
  echo "the VM did not finish; console:" >&2
  tail -n 40 "$work/console.log" >&2
  [ -f "$work/result.txt" ] && tail -n 60 "$work/result.txt" >&2
  exit 1
fi
grep -a -e 'vivid' -e 'MJPEG node' -e 'loopback format' -e 'feeder:' "$work/console.log" | tr -d '\r' || true
grep -av '^\[ WARN' "$work/result.txt" || true
echo "--- device controls as parameters (ros2 param describe):"
cat "$work/params.txt" 2>/dev/null || true
exit "$(cat "$work/status")"
