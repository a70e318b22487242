# The agent's PBX data collectors (registrations, calls, system information) and their
# record bodies. agent/CMakeLists.txt includes this file after it has defined agent_core and
# agent_core_test.
target_sources(agent_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/call_body.cc
  ${CMAKE_CURRENT_LIST_DIR}/call_collector.cc
  ${CMAKE_CURRENT_LIST_DIR}/information_change.cc
  ${CMAKE_CURRENT_LIST_DIR}/registration_body.cc
  ${CMAKE_CURRENT_LIST_DIR}/registration_collector.cc
  ${CMAKE_CURRENT_LIST_DIR}/registration_diff.cc
  ${CMAKE_CURRENT_LIST_DIR}/sysinfo_body.cc
)

if(CCC_BUILD_TESTS)
  target_sources(agent_core_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/call_body_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/call_collector_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/information_change_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/registration_body_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/registration_collector_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/registration_diff_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sysinfo_body_test.cc
  )

  add_executable(collect_benchmark ${CMAKE_CURRENT_LIST_DIR}/collect_benchmark.cc)
  target_link_libraries(collect_benchmark PRIVATE agent_core benchmark::benchmark)
  ccc_warnings(collect_benchmark)
endif()
