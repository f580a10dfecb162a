# vm/local.mk - booting a kernel under qemu (--kernel): the host's side.
# A stage of its own, after engine/ and before cli/: it includes only
# engine/core's headers, and cli/ drives it.  Why a top-level folder and
# not engine/vm: nothing in it plays a script; it builds an initramfs,
# runs qemu and reads frames, which is the command's business, not the
# engine's.
ENGINE_SOURCES += vm/frame.h vm/frame.c vm/host.h vm/host.c \
	vm/image.h vm/image.c vm/cpio.h vm/cpio.c vm/modules.h vm/modules.c \
	vm/initramfs.h vm/initramfs.c vm/qemu.h vm/qemu.c \
	vm/toolset.h vm/toolset.c
