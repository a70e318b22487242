# The OpenAPI document, compiled into the relay (re-generated when openapi.json changes).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_LIST_DIR}/openapi.json)
file(READ ${CMAKE_CURRENT_LIST_DIR}/openapi.json OPENAPI_JSON)
configure_file(${CMAKE_CURRENT_LIST_DIR}/openapi_json.h.in
  ${CMAKE_CURRENT_BINARY_DIR}/generated/relay/api/openapi_json.h @ONLY)
target_include_directories(relay_api PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
target_sources(relay_api PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/openapi_document.cc
  ${CMAKE_CURRENT_LIST_DIR}/api_routes.cc)
if(CCC_BUILD_TESTS)
  target_sources(relay_api_test PRIVATE ${CMAKE_CURRENT_LIST_DIR}/api_routes_test.cc)
endif()
