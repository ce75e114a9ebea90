# Draws the scale picture again from its points and compares it with the one in docs/.
execute_process(COMMAND ${PYTHON} ${SCRIPT} ${POINTS} ${OUT} RESULT_VARIABLE drawn)
if(NOT drawn EQUAL 0)
  message(FATAL_ERROR "bench/plot_scale.py failed on ${POINTS}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${PICTURE} RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "${PICTURE} is not what bench/plot_scale.py draws from ${POINTS}: run "
                      "python3 bench/plot_scale.py docs/scale.tsv docs/scale.svg")
endif()
