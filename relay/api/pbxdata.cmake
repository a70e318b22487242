# PBX data endpoints (issue 5): registration status, licences, call data and its CSV
# export; included by relay/api/CMakeLists.txt.
target_sources(relay_api PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pbxdata_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/fleet_actions_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/pbxdata_scope.cc
  ${CMAKE_CURRENT_LIST_DIR}/registration_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/licences_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/pbx_information.cc
  ${CMAKE_CURRENT_LIST_DIR}/call_request.cc
  ${CMAKE_CURRENT_LIST_DIR}/call_page.cc
  ${CMAKE_CURRENT_LIST_DIR}/calls_csv.cc
  ${CMAKE_CURRENT_LIST_DIR}/call_export.cc
  ${CMAKE_CURRENT_LIST_DIR}/calls_handlers.cc
)

if(CCC_BUILD_TESTS)
  target_sources(relay_api_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/pbxdata_test_support.cc
    ${CMAKE_CURRENT_LIST_DIR}/call_request_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/call_page_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/calls_csv_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/call_export_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/call_export_http_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/pbx_information_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/registration_handlers_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/licences_handlers_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/calls_handlers_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/fleet_actions_handlers_test.cc
  )
endif()
