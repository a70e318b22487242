# The PBX simulator's own sources, tests and benchmark. agent/CMakeLists.txt includes this
# file after it has defined agent_core and agent_core_test (pbx_simulator.cc and
# pbx_simulator_test.cc are listed there).
target_sources(agent_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sim_calendar.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_calls.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_fleet.cc
  ${CMAKE_CURRENT_LIST_DIR}/sim_status.cc
  ${CMAKE_CURRENT_LIST_DIR}/simulator_options.cc
)

if(CCC_BUILD_TESTS)
  target_sources(agent_core_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/../pbx_source_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sim_calendar_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sim_calls_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sim_fleet_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sim_random_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/sim_status_test.cc
  )

  add_executable(pbx_simulator_benchmark ${CMAKE_CURRENT_LIST_DIR}/pbx_simulator_benchmark.cc)
  target_link_libraries(pbx_simulator_benchmark PRIVATE agent_core benchmark::benchmark)
  ccc_warnings(pbx_simulator_benchmark)

  # Test tool: the simulator's calls as the agent would store them, so that integration
  # tests know the expected calls independently of the agent (ccc-sim-calls --help).
  add_executable(ccc-sim-calls ${CMAKE_CURRENT_LIST_DIR}/sim_calls_main.cc)
  target_link_libraries(ccc-sim-calls PRIVATE agent_core CLI11::CLI11)
  ccc_warnings(ccc-sim-calls)
endif()
