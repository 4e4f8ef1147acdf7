#!/bin/busybox sh
# /init of the boot proof's initramfs. It plays the VM's base image: the disk (the VM's qcow2
# overlay) holds, through its backing file, a tar of the base image's files — the project's
# own base-image/contextualization and rc.local and a marker. They are unpacked and rc.local
# runs as on a real guest; then the guest's state is printed between markers for the test.
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "vmctx-boot: init started"

for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m.ko" || echo "vmctx-boot: insmod $m failed"
done

# The disk shows up shortly after virtio_blk loads.
i=0
while [ ! -b /dev/vda ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if tar -x -f /dev/vda -C /; then
  echo "vmctx-boot: base image unpacked from /dev/vda"
else
  echo "vmctx-boot: no base image on /dev/vda"
fi
echo "vmctx-boot: base marker: $(cat /etc/vmctx-base-marker 2>/dev/null)"

echo "vmctx-boot: running /etc/rc.local"
/etc/rc.local
echo "vmctx-boot: rc.local exited with $?"

section() { echo "==== $1"; }
section "contextualization.log"
cat /var/log/contextualization.log
section "ip -4 addr"
ip -4 addr show
section "ip route"
ip route
section "resolv.conf"
cat /etc/resolv.conf
section "hostname"
hostname
section "interfaces"
cat /etc/network/interfaces
section "cdrom files"
mkdir -p /mnt/cd
if mount -t iso9660 -o ro /dev/sr0 /mnt/cd; then
  (cd /mnt/cd && find . -mindepth 1 | sort | while read -r f; do stat -c '%a %A %n' "$f"; done)
  umount /mnt/cd
fi
section "end"
echo "vmctx-boot: done"
poweroff -f
