#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"

// The building blocks of BrokerControl (broker_control.h), exposed for its tests and the
// ccc-broker-control tool. No shell is involved anywhere: commands are argv vectors.
namespace ccc::relay::broker {

// A command line as configured, split at runs of spaces into argv words ("kill -HUP
// {pid}"). Words are taken literally: no quoting, no globbing, no variables. Placeholders
// are "{name}" and may only appear as (part of) a word. kInvalidArgument when the text is
// empty, uses a placeholder not in `allowed`, or lacks one of `required`.
Result<std::vector<std::string>> ParseCommandTemplate(std::string_view text,
                                                      const std::vector<std::string>& allowed,
                                                      const std::vector<std::string>& required);

// Replaces every "{name}" with value in each word. The value never splits a word, so a
// value with spaces stays one argument.
std::vector<std::string> ExpandCommand(const std::vector<std::string>& argv_template,
                                       std::string_view name, std::string_view value);

// Runs argv[0] (looked up in PATH when it has no '/') with posix_spawnp, stdin from
// /dev/null, stdout+stderr captured (first 4 KiB kept for the error message). Waits at most
// `timeout`; a command still running then is killed (SIGKILL) and reported kUnavailable.
// Exit status 0 -> Ok; another exit status or a signal -> kUnavailable naming the command,
// the status and its output; a command that cannot be started -> kInvalidArgument.
Status RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// Checks that text is one or more PEM X509 CRLs and nothing else (whitespace aside), each
// parsable by OpenSSL. At most kMaxCrlBytes.
inline constexpr size_t kMaxCrlBytes = 64 * 1024 * 1024;
Status ValidateCrlPem(std::string_view text);

// Writes content to "<path>.tmp" (mode `mode`, exactly, whatever the umask), fsyncs it,
// renames it over path and fsyncs the folder, so a reader (the broker) sees either the old
// or the new file, never a part. kUnavailable naming the path on failure.
Status WriteFileAtomically(const std::string& path, std::string_view content, uint32_t mode);

// Reads a pid (decimal, surrounding whitespace allowed) from pid_file and sends it SIGHUP.
// kUnavailable naming the file when it is unreadable, malformed or the process is gone;
// kPermissionDenied when the signal is not allowed (the broker runs as another user).
Status SignalPidFile(const std::string& pid_file);

// Mosquitto dynamic security (plugin mosquitto_dynamic_security.so, API v1).
inline constexpr std::string_view kDynsecTopic = "$CONTROL/dynamic-security/v1";
inline constexpr std::string_view kDynsecResponseTopic = "$CONTROL/dynamic-security/v1/response";

// The command message that kicks every connection whose username is device_id: creates
// the dynsec client (so it exists) and deletes it again; deleteClient disconnects its
// sessions. Each command carries correlationData "<tag>-<n>". Leaves no dynsec state.
std::string DynsecEvictMessage(std::string_view device_id, std::string_view tag);

// Interprets a message from kDynsecResponseTopic. kNotFound when it holds no response
// with correlationData starting with "<tag>-" (someone else's answer: keep waiting).
// Ok when all of ours succeeded or failed harmlessly (createClient "Client already
// exists", deleteClient "Client not found": another relay was quicker); otherwise
// kInternal with the broker's error text; kInvalidArgument for a payload that is not the
// dynsec response format.
Status CheckDynsecResponse(std::string_view payload, std::string_view tag);

}  // namespace ccc::relay::broker
