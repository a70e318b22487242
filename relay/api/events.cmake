# Live updates (server-sent events) and operator news, included by relay/api/CMakeLists.txt.
target_sources(relay_api PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/event_handlers.cc
  ${CMAKE_CURRENT_LIST_DIR}/news_handlers.cc
)
target_link_libraries(relay_api PUBLIC relay_events)

if(CCC_BUILD_TESTS)
  target_sources(relay_api_test PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/event_handlers_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/news_handlers_test.cc
  )
endif()
