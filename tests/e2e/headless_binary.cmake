# Runs the installed-style `margo` executable the way a PACS node would:
# no DISPLAY, no WAYLAND_DISPLAY. It must exit 0 and write the full report.
# Usage: cmake -DMARGO=... -DPHANTOM=... -DOUT=... -P headless_binary.cmake
unset(ENV{DISPLAY})
unset(ENV{WAYLAND_DISPLAY})
file(REMOVE_RECURSE "${OUT}")
execute_process(
  COMMAND "${MARGO}" --quiet assess --pre-ct "${PHANTOM}/pre_ct.nii.gz" --post-ct "${PHANTOM}/post_ct.nii.gz"
          --tumours "${PHANTOM}/tumours.nii.gz" --ablation "${PHANTOM}/ablation.nii.gz" --out "${OUT}"
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "margo without a display exited ${code}: ${err}")
endif()
if(NOT err STREQUAL "")
  message(FATAL_ERROR "margo without a display printed on stderr: ${err}")
endif()
foreach(f report.json tumours.csv report.html tumour_surfaces.vtp ablation_zone_surface.vtp tumours_on_post_ct.nii.gz)
  if(NOT EXISTS "${OUT}/${f}")
    message(FATAL_ERROR "margo without a display did not write ${f}")
  endif()
endforeach()
file(READ "${OUT}/report.html" html)
string(REGEX MATCHALL "src=\"data:image/png" pictures "${html}")  # no ";": it would split the list
list(LENGTH pictures n)
if(NOT n EQUAL 13)
  message(FATAL_ERROR "report.html holds ${n} pictures; expected 13 (3 per tumour and the registration check)")
endif()
