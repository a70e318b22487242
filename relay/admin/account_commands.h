#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "relay/admin/admin_cli.h"
#include "relay/auth/password_hasher.h"
#include "relay/directory/directory.h"

namespace CLI {
class App;
}

// Operator commands for companies and users (`ccc-relay admin --config FILE company ...` and
// `... user ...`). Every change is written with the actor "operator" (audit log; user
// changes appear in the user's company's log). Output: one line per result on `out`,
// problems on `err`; exit codes kExitOk, kExitFailure (not found, already exists, storage
// failed), kExitUsage (bad arguments). Passwords are never printed.
namespace ccc::relay::admin {

// Passwords set by the operator follow the API's rule: at least this many characters.
inline constexpr std::size_t kMinPasswordChars = 10;

// What the command line asked for; filled by AddAccountCommands (or by hand in tests).
struct AccountCommand {
  std::string noun;     // "company" or "user"; empty when no account command was given
  std::string verb;     // company: "create", "list"; user: "create", "invite", "set-password",
                        // "disable", "enable"
  std::string name;     // company create NAME; user create/invite --name
  std::string company;  // user create/invite --company NAME
  std::string email;    // user ... --email
  std::optional<std::string> password;  // --password P (visible in `ps`: prefer stdin)
  bool password_stdin = false;          // --password-stdin: first line of standard input
  bool admin = false;                   // user create/invite --admin: company administrator
};

// `company create NAME`: "created company <id> <name>".
int CompanyCreate(directory::Directory& directory, const std::string& name, int64_t now_ms,
                  std::ostream& out, std::ostream& err);
// `company list`: tab-separated "id name created_at" lines, oldest first.
int CompanyList(directory::Directory& directory, std::ostream& out, std::ostream& err);
// `user create --company C --email E [--name N] [--password P | --password-stdin] [--admin]`.
// Without a password the user can log in only through single sign-on until
// `user set-password` gives them one (the output says so).
int UserCreate(directory::Directory& directory, const auth::PasswordHasher& hasher,
               const AccountCommand& command, int64_t now_ms, std::istream& in, std::ostream& out,
               std::ostream& err);
// `user invite --company C --email E [--name N] [--admin]`: creates the user without a
// password and prints how they get access (SSO, or `user set-password`).
int UserInvite(directory::Directory& directory, const AccountCommand& command, int64_t now_ms,
               std::ostream& out, std::ostream& err);
// `user set-password --email E (--password P | --password-stdin)`.
int UserSetPassword(directory::Directory& directory, const auth::PasswordHasher& hasher,
                    const AccountCommand& command, std::istream& in, std::ostream& out,
                    std::ostream& err);
// `user disable|enable --email E`. Disabling also ends the user's sessions and API tokens.
int UserSetDisabled(directory::Directory& directory, const std::string& email, bool disabled,
                    std::ostream& out, std::ostream& err);

// Dispatches on command.noun/verb to the functions above.
int RunAccountCommand(directory::Directory& directory, const auth::PasswordHasher& hasher,
                      const AccountCommand& command, int64_t now_ms, std::istream& in,
                      std::ostream& out, std::ostream& err);

// Registers the "company" and "user" subcommands (with their options) on `admin`; after
// parsing, `command` names what was chosen (command.noun empty: none of these). `command`
// must outlive the parse.
void AddAccountCommands(CLI::App& admin, AccountCommand& command);

}  // namespace ccc::relay::admin
