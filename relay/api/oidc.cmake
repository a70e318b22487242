# OpenID Connect single sign-on endpoints (oidc); included by relay/api/CMakeLists.txt.
# The protocol side (discovery, JWKS, ID tokens, PKCE) is library relay_oidc (relay/oidc).
target_sources(relay_api PRIVATE ${CMAKE_CURRENT_LIST_DIR}/oidc_handlers.cc)
target_link_libraries(relay_api PUBLIC relay_oidc)
if(CCC_BUILD_TESTS)
  target_sources(relay_api_test PRIVATE ${CMAKE_CURRENT_LIST_DIR}/oidc_handlers_test.cc)
  target_link_libraries(relay_api_test PRIVATE relay_oidc_testing)
endif()
