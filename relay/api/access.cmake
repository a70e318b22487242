# Authorisations (B4) and groups (B5-B7) endpoints; included by relay/api/CMakeLists.txt.
target_sources(relay_api PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/authorisation_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/group_handlers.cc
)
if(CCC_BUILD_TESTS)
  target_sources(relay_api_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/authorisation_handlers_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/group_handlers_test.cc
  )
endif()
