#include "relay/admin/account_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ctime>
#include <istream>
#include <ostream>

namespace ccc::relay::admin {
namespace {

constexpr std::size_t kMaxEmailChars = 254;

directory::Actor Operator(std::optional<int64_t> company_id = std::nullopt) {
  return directory::Actor{std::nullopt, company_id, "operator", ""};
}

std::string Utc(int64_t unix_ms) {
  auto time = static_cast<std::time_t>(unix_ms / 1000);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char buffer[32];
  std::size_t length = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(buffer, length);
}

bool HasControlOrSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A plausible address: one '@' with text on both sides, no spaces or control characters.
// Deliverability is not our business; typos in the structure are.
bool IsPlausibleEmail(std::string_view email) {
  std::size_t at = email.find('@');
  return email.size() <= kMaxEmailChars && !HasControlOrSpace(email) &&
         at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
         email.find('@', at + 1) == std::string_view::npos;
}

// The password from --password or the first line of stdin; nullopt (after a message) when
// it is missing, ambiguous or does not meet the rules.
std::optional<std::string> ReadPassword(const AccountCommand& command, std::istream& in,
                                        std::ostream& err) {
  if (command.password && command.password_stdin) {
    err << "give either --password or --password-stdin, not both\n";
    return std::nullopt;
  }
  std::string password;
  if (command.password) {
    password = *command.password;
  } else if (command.password_stdin) {
    if (!std::getline(in, password)) {
      err << "no password on standard input\n";
      return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    err << "give --password or --password-stdin\n";
    return std::nullopt;
  }
  if (CodePoints(password) < kMinPasswordChars) {
    err << "the password must have at least " << kMinPasswordChars << " characters\n";
    return std::nullopt;
  }
  if (password.size() > auth::kMaxPasswordBytes) {
    err << "the password must be at most " << auth::kMaxPasswordBytes << " bytes\n";
    return std::nullopt;
  }
  if (HasControl(password)) {
    // The login endpoint refuses control characters, so such a password could never be used.
    err << "the password must not contain control characters\n";
    return std::nullopt;
  }
  return password;
}

// Looks the user up by e-mail; prints why not and returns nullopt on failure.
std::optional<directory::User> FindUser(directory::Directory& directory, const std::string& email,
                                        std::ostream& err, int* exit_code) {
  auto user = directory.FindUserByEmail(email);
  if (!user.ok()) {
    err << "cannot read users: " << user.status().ToString() << "\n";
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  if (!user->has_value()) {
    err << "no user with e-mail " << email << "\n";
    *exit_code = kExitFailure;
    return std::nullopt;
  }
  return std::move(**user);
}

// Creates the user; the password hash is optional. Prints the result line.
int CreateUserWith(directory::Directory& directory, const AccountCommand& command,
                   std::optional<std::string> password_hash, int64_t now_ms, std::ostream& out,
                   std::ostream& err) {
  auto company = directory.FindCompanyByName(command.company);
  if (!company.ok()) {
    err << "cannot read companies: " << company.status().ToString() << "\n";
    return kExitFailure;
  }
  if (!company->has_value()) {
    err << "no company named '" << command.company << "' (see `company list`)\n";
    return kExitFailure;
  }
  directory::NewUser user;
  user.company_id = (*company)->id;
  user.email = command.email;
  user.name = command.name;
  user.company_admin = command.admin;
  user.password_hash = std::move(password_hash);
  const bool has_password = user.password_hash.has_value();
  auto id = directory.CreateUser(user, now_ms, Operator(user.company_id));
  if (!id.ok()) {
    if (id.status().code() == StatusCode::kAlreadyExists) {
      err << "a user with e-mail " << command.email << " already exists\n";
    } else {
      err << "cannot create the user: " << id.status().ToString() << "\n";
    }
    return id.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  out << "created user " << *id << " " << command.email << " in company " << (*company)->name
      << (command.admin ? " (company administrator)" : "") << "\n";
  if (!has_password) {
    out << command.email << " has no password: they log in with single sign-on, or run "
        << "`ccc-relay admin user set-password --email " << command.email
        << " --password-stdin` to give them one\n";
  }
  return kExitOk;
}

int CheckUserArguments(const AccountCommand& command, std::ostream& err) {
  if (command.company.empty()) {
    err << "give --company NAME\n";
    return kExitUsage;
  }
  if (!IsPlausibleEmail(command.email)) {
    err << "'" << command.email << "' is not an e-mail address\n";
    return kExitUsage;
  }
  if (HasControl(command.name) || command.name.size() > 200) {
    err << "--name must be at most 200 bytes without control characters\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

int CompanyCreate(directory::Directory& directory, const std::string& name, int64_t now_ms,
                  std::ostream& out, std::ostream& err) {
  if (name.empty() || HasControl(name)) {
    err << "the company name must not be empty or contain control characters\n";
    return kExitUsage;
  }
  auto id = directory.CreateCompany(name, now_ms, Operator());
  if (!id.ok()) {
    switch (id.status().code()) {
      case StatusCode::kAlreadyExists:
        err << "a company named '" << name << "' already exists\n";
        return kExitFailure;
      case StatusCode::kInvalidArgument:
        err << id.status().message() << "\n";
        return kExitUsage;
      default:
        err << "cannot create the company: " << id.status().ToString() << "\n";
        return kExitFailure;
    }
  }
  out << "created company " << *id << " " << name << "\n";
  return kExitOk;
}

int CompanyList(directory::Directory& directory, std::ostream& out, std::ostream& err) {
  auto companies = directory.ListCompanies();
  if (!companies.ok()) {
    err << "cannot list companies: " << companies.status().ToString() << "\n";
    return kExitFailure;
  }
  for (const directory::Company& company : *companies) {
    out << company.id << "\t" << company.name << "\t" << Utc(company.created_ms) << "\n";
  }
  return kExitOk;
}

int UserCreate(directory::Directory& directory, const auth::PasswordHasher& hasher,
               const AccountCommand& command, int64_t now_ms, std::istream& in, std::ostream& out,
               std::ostream& err) {
  if (int code = CheckUserArguments(command, err); code != kExitOk) return code;
  std::optional<std::string> hash;
  if (command.password || command.password_stdin) {
    auto password = ReadPassword(command, in, err);
    if (!password) return kExitUsage;
    auto hashed = hasher.Hash(*password);
    if (!hashed.ok()) {
      err << "cannot hash the password: " << hashed.status().ToString() << "\n";
      return kExitFailure;
    }
    hash = std::move(*hashed);
  }
  return CreateUserWith(directory, command, std::move(hash), now_ms, out, err);
}

int UserInvite(directory::Directory& directory, const AccountCommand& command, int64_t now_ms,
               std::ostream& out, std::ostream& err) {
  if (command.password || command.password_stdin) {
    err << "invite creates the user without a password; use `user create` to set one\n";
    return kExitUsage;
  }
  if (int code = CheckUserArguments(command, err); code != kExitOk) return code;
  return CreateUserWith(directory, command, std::nullopt, now_ms, out, err);
}

int UserSetPassword(directory::Directory& directory, const auth::PasswordHasher& hasher,
                    const AccountCommand& command, std::istream& in, std::ostream& out,
                    std::ostream& err) {
  auto password = ReadPassword(command, in, err);
  if (!password) return kExitUsage;
  int exit_code = kExitOk;
  auto user = FindUser(directory, command.email, err, &exit_code);
  if (!user) return exit_code;
  auto hash = hasher.Hash(*password);
  if (!hash.ok()) {
    err << "cannot hash the password: " << hash.status().ToString() << "\n";
    return kExitFailure;
  }
  Status status = directory.SetPasswordHash(user->id, *hash, Operator(user->company_id));
  if (!status.ok()) {
    err << "cannot set the password: " << status.ToString() << "\n";
    return kExitFailure;
  }
  out << "password set for " << user->email << "\n";
  return kExitOk;
}

int UserSetDisabled(directory::Directory& directory, const std::string& email, bool disabled,
                    std::ostream& out, std::ostream& err) {
  int exit_code = kExitOk;
  auto user = FindUser(directory, email, err, &exit_code);
  if (!user) return exit_code;
  Status status = directory.SetDisabled(user->id, disabled, Operator(user->company_id));
  if (!status.ok()) {
    err << "cannot change the user: " << status.ToString() << "\n";
    return kExitFailure;
  }
  if (disabled) {
    out << "disabled " << user->email << " (sessions and API tokens ended)\n";
  } else {
    out << "enabled " << user->email << "\n";
  }
  return kExitOk;
}

int RunAccountCommand(directory::Directory& directory, const auth::PasswordHasher& hasher,
                      const AccountCommand& command, int64_t now_ms, std::istream& in,
                      std::ostream& out, std::ostream& err) {
  if (command.noun == "company") {
    if (command.verb == "create") return CompanyCreate(directory, command.name, now_ms, out, err);
    if (command.verb == "list") return CompanyList(directory, out, err);
  } else if (command.noun == "user") {
    if (command.verb == "create") {
      return UserCreate(directory, hasher, command, now_ms, in, out, err);
    }
    if (command.verb == "invite") return UserInvite(directory, command, now_ms, out, err);
    if (command.verb == "set-password") {
      return UserSetPassword(directory, hasher, command, in, out, err);
    }
    if (command.verb == "disable") return UserSetDisabled(directory, command.email, true, out, err);
    if (command.verb == "enable") return UserSetDisabled(directory, command.email, false, out, err);
  }
  err << "unknown command '" << command.noun << " " << command.verb << "'\n";
  return kExitUsage;
}

void AddAccountCommands(CLI::App& admin, AccountCommand& command) {
  auto chosen = [&command](std::string noun, std::string verb) {
    return [&command, noun = std::move(noun), verb = std::move(verb)] {
      command.noun = noun;
      command.verb = verb;
    };
  };

  CLI::App* company = admin.add_subcommand("company", "Companies (tenants)");
  company->require_subcommand(1);
  CLI::App* company_create = company->add_subcommand("create", "Create a company");
  company_create->add_option("name", command.name, "Company name")->required();
  company_create->callback(chosen("company", "create"));
  company->add_subcommand("list", "List companies: id, name, created")
      ->callback(chosen("company", "list"));

  CLI::App* user = admin.add_subcommand("user", "Users of a company");
  user->require_subcommand(1);
  auto add_new_user_options = [&command](CLI::App* sub) {
    sub->add_option("--company", command.company, "Company name")->required();
    sub->add_option("--email", command.email, "E-mail address (login name)")->required();
    sub->add_option("--name", command.name, "Display name");
    sub->add_flag("--admin", command.admin, "Company administrator (reads the audit log)");
  };
  auto add_password_options = [&command](CLI::App* sub) {
    CLI::Option* inline_password =
        sub->add_option("--password", command.password, "Password (visible to other local users)");
    CLI::Option* from_stdin = sub->add_flag("--password-stdin", command.password_stdin,
                                            "Read the password from the first line of stdin");
    inline_password->excludes(from_stdin);
  };

  CLI::App* user_create = user->add_subcommand("create", "Create a user");
  add_new_user_options(user_create);
  add_password_options(user_create);
  user_create->callback(chosen("user", "create"));

  CLI::App* user_invite =
      user->add_subcommand("invite", "Create a user without a password (SSO or set-password)");
  add_new_user_options(user_invite);
  user_invite->callback(chosen("user", "invite"));

  CLI::App* set_password = user->add_subcommand("set-password", "Set a user's password");
  set_password->add_option("--email", command.email, "E-mail address")->required();
  add_password_options(set_password);
  set_password->callback(chosen("user", "set-password"));

  for (const char* verb : {"disable", "enable"}) {
    CLI::App* sub = user->add_subcommand(
        verb, std::string(verb == std::string_view("disable")
                              ? "Disable a user (ends their sessions and API tokens)"
                              : "Enable a disabled user"));
    sub->add_option("--email", command.email, "E-mail address")->required();
    sub->callback(chosen("user", verb));
  }
}

}  // namespace ccc::relay::admin
