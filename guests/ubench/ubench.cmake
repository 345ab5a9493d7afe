# guests/ubench: timing microbenchmarks (ubench.h), built with the guest toolchain.
#   ubench.elf        bare metal (UHI runtime): every kernel but the hypercall
#   ubench_hyper.elf  a guest of the embedded hypervisor (hypercall runtime)
# Included from guests/CMakeLists.txt after the hypervisor guests' runtime objects.
set(ub_dir ${CMAKE_SOURCE_DIR}/guests/ubench)
set(ub_objs)
foreach(src ubench.c kernels.S)
  set(obj ${VZSIM_GUEST_OBJDIR}/ubench/${src}.o)
  vzsim_guest_compile(${ub_dir}/${src} ${obj})
  list(APPEND ub_objs ${obj})
endforeach()
set_property(GLOBAL PROPERTY VZSIM_GUEST_ELF_LIST "")
vzsim_guest(ubench ${ub_objs})

set(ub_hyper_obj ${VZSIM_GUEST_OBJDIR}/ubench/hyper.c.o)
vzsim_guest_compile(${ub_dir}/hyper.c ${ub_hyper_obj})
set(ub_hyper_elf ${VZSIM_GUEST_DIR}/ubench_hyper.elf)
add_custom_command(
  OUTPUT ${ub_hyper_elf}
  COMMAND ${VZSIM_MIPS_CC} ${VZSIM_GUEST_CFLAGS} ${VZSIM_GUEST_LDFLAGS}
          ${VZSIM_VZGUEST_RT_OBJS} ${hvuhi_obj} ${ub_hyper_obj} -lgcc -o ${ub_hyper_elf}
  DEPENDS ${VZSIM_VZGUEST_RT_OBJS} ${hvuhi_obj} ${ub_hyper_obj} ${VZSIM_GUEST_RT}/link.ld
  COMMENT "Hypervisor guest ubench_hyper.elf"
  VERBATIM)
add_custom_target(ubench_guests ALL DEPENDS ${VZSIM_GUEST_DIR}/ubench.elf ${ub_hyper_elf})
set(VZSIM_UBENCH_ELF ${VZSIM_GUEST_DIR}/ubench.elf CACHE INTERNAL "")
set(VZSIM_UBENCH_HYPER_ELF ${ub_hyper_elf} CACHE INTERNAL "")
