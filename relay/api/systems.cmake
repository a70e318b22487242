# Systems and pairing endpoints (api-systems), included by relay/api/CMakeLists.txt.
target_sources(relay_api PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/device_state.cc
  ${CMAKE_CURRENT_LIST_DIR}/system_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/pairing_handlers.cc
)
target_link_libraries(relay_api PUBLIC relay_pairing)

if(CCC_BUILD_TESTS)
  foreach(test device_state_test system_handlers_test pairing_handlers_test)
    if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${test}.cc)
      target_sources(relay_api_test PRIVATE ${CMAKE_CURRENT_LIST_DIR}/${test}.cc)
    endif()
  endforeach()
  # Real agent credentials (key, CSR, unpair signature) in the pairing handler tests.
  target_link_libraries(relay_api_test PRIVATE agent_pairing)
endif()
