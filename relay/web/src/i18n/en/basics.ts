// Login, dashboard, news, own account, online help and legal documents.
export default {
  login: {
    title: "Sign in",
    intro: "Manage and watch your telephone systems in one place.",
    email: "E-mail",
    password: "Password",
    submit: "Sign in",
    submitting: "Signing in…",
    checking: "Checking whether you are signed in…",
    or: "or",
    sso: "Sign in with {{name}}",
    ssoDefaultName: "single sign-on",
    emailRequired: "Enter your e-mail address.",
    passwordRequired: "Enter your password.",
    tooManyAttempts: "Too many failed sign-ins. Try again in {{wait}}.",
    ssoFailed: "Single sign-on did not work.",
    ssoErrors: {
      expired: "The sign-in took too long or was started in another browser window. Please start it again.",
      refused: "The sign-in service cancelled or refused the sign-in.",
      unavailable: "The sign-in service cannot be reached right now. Try again later or use your password.",
      notVerified:
        "The answer of the sign-in service could not be verified. If this happens again, ask your administrator to check the single sign-on settings.",
      clock:
        "The sign-in could not be checked because the clocks of the servers differ. Please try again; if it keeps failing, tell your administrator.",
      noEmail: "The sign-in service did not send a confirmed e-mail address for your account.",
      noCompany: "Your account could not be assigned to a company. Ask your administrator to set you up.",
      conflict: "This e-mail address already belongs to a different account. Ask your administrator for help.",
      disabled: "Your account is disabled. Ask your administrator for help.",
      notFound: "There is no account for you in the control center yet. Ask your administrator to create one.",
      internal: "The server ran into an error during the sign-in. Please try again later.",
      generic: "The sign-in did not succeed. Please try again.",
    },
  },
  dashboard: {
    title: "Dashboard",
    welcome: "Welcome, {{name}}.",
    status: {
      title: "Status information",
      version: "Server version",
      versionUnknown: "not available",
      copy: "Copy status information",
      copying: "Copying…",
      copied: "Status information copied to the clipboard.",
      copyFailed: "Copying did not work. Select the text below and copy it by hand.",
      preview: "Text that is copied",
      hint: "When you contact support, paste this text into your message. It helps to find the cause quickly.",
    },
    statusFields: {
      product: "Product",
      serverVersion: "Server version",
      serverTime: "Server time",
      portalUrl: "Portal address",
      userAgent: "Browser",
      language: "Language",
      user: "User",
      company: "Company",
    },
    systems: {
      title: "Your systems",
      total_one: "You have access to {{count, number}} system.",
      total_other: "You have access to {{count, number}} systems.",
      none: "You do not have access to any system yet.",
      overview: "Open the systems overview",
      add: "Add a system",
    },
    news: {
      title: "Latest news",
      all: "All news",
      none: "No news yet.",
    },
    links: {
      title: "Help and legal",
      help: "Online help",
      privacy: "Privacy policy",
      licence: "Licence agreement",
      openSource: "Open-source licences",
    },
  },
  news: {
    title: "News",
    intro: "Announcements from the operator of this control center, newest first.",
    filter: "Filter news",
    empty: "No news yet.",
    noMatch: "No news matches this filter.",
    clearFilter: "Clear filter",
    published: "Published {{date}}",
    listLabel: "News articles",
    range: "{{from, number}}–{{to, number}} of {{total, number}}",
  },
  account: {
    title: "My account",
    profile: {
      title: "Profile",
      email: "E-mail",
      name: "Name",
      company: "Company",
      companyAdmin: "Company administrator",
      yes: "Yes",
      no: "No",
      noName: "not set",
    },
    language: {
      title: "Language",
      label: "Language of the portal",
      hint: "Saved with your account, so every device starts in it.",
      saving: "Saving…",
      saved: "Language saved.",
    },
    password: {
      title: "Change password",
      current: "Current password",
      next: "New password",
      repeat: "Confirm password",
      hint: "At least {{min}} characters.",
      submit: "Change password",
      saving: "Changing…",
      changed: "Your password has been changed.",
      tooManyAttempts: "Too many wrong passwords. Try again in {{wait}}.",
      errors: {
        currentRequired: "Enter your current password.",
        tooShort: "The new password needs at least {{min}} characters.",
        mismatch: "The repeated password is not the same as the new one.",
        sameAsCurrent: "Choose a new password that differs from the current one.",
      },
    },
    tokens: {
      title: "API tokens",
      intro:
        "Scripts and other programs use an API token instead of your password. A token acts with your rights, so keep it secret and delete it when it is no longer needed.",
      caption: "Your API tokens",
      filter: "Filter tokens",
      empty: "You have no API tokens.",
      noMatch: "No token matches this filter.",
      columns: {
        name: "Name",
        created: "Created",
        lastUsed: "Last used",
        expires: "Expires",
      },
      noExpiry: "does not expire",
      create: "Create token",
      createTitle: "Create API token",
      name: "Name",
      nameHint: "For example the script or host that will use it.",
      days: "Valid for (days)",
      daysHint: "From 1 to {{max}} days. Leave empty for a token that does not expire.",
      submit: "Create token",
      creating: "Creating…",
      createdTitle: "Token created",
      createdWarning: "Copy the token now. It is shown only this once; afterwards nobody can read it again.",
      token: "Token",
      copy: "Copy token",
      copied: "Token copied to the clipboard.",
      copyFailed: "Copying did not work. Select the token and copy it by hand.",
      done: "Done",
      delete: "Delete",
      deleteLabel: "Delete token {{name}}",
      deleteTitle: "Delete API token",
      deleteText: "Delete the token “{{name}}”? Scripts that use it stop working at once.",
      deleteSelected_one: "Delete {{count, number}} token? Scripts that use it stop working at once.",
      deleteSelected_other: "Delete {{count, number}} tokens? Scripts that use them stop working at once.",
      deleted: "Token deleted.",
      errors: {
        nameRequired: "Enter a name.",
        nameTooLong: "The name may have at most {{max}} characters.",
        days: "Enter a whole number of days from 1 to {{max}}, or leave the field empty.",
      },
    },
  },
  help: {
    title: "Online help",
    intro:
      "The control center connects the telephone systems (PBXs) of your company with one web portal. Here you see their state, decide who may work on which system, and reach the functions a system offers.",
    contents: "On this page",
    overview: {
      title: "What the control center does",
      agent:
        "Next to every telephone system runs a small program, the agent. It collects facts about the system and sends them over an encrypted connection to the control center, even after a network outage: it keeps what it could not send and delivers it later.",
      portal:
        "In the portal you add systems, pair them with their agent, see whether they are reachable, and give colleagues of your company access to them.",
      later:
        "Some functions, such as monitoring charts, backups or call data, arrive in later versions. Their pages are already in the navigation and say so plainly.",
    },
    pairing: {
      title: "Pairing a system",
      intro: "Pairing links a system in the portal with the agent on site. It takes a few minutes:",
      step1: "Add the system under Systems with a name of your choice and the serial number of the PBX.",
      step2:
        "The portal shows a confirmation code for the new system. The code is valid for 24 hours; if it runs out, renew it on the same page.",
      step3: "On site, on the computer next to the telephone system, run: ",
      step3Command: "ccc-agent pair CODE --config /etc/ccc/agent.toml",
      step4:
        "The agent identifies itself with the serial number and the code. The serial number in the agent's configuration must be the one you entered.",
      step5:
        "Within moments the state in the systems overview changes to “{{state}}”. You do not need to reload the page.",
      note: "Each code works only once. A new code replaces the previous one.",
    },
    roles: {
      title: "Roles and what they allow",
      intro:
        "Rights always belong to one system. A user can hold several roles on the same system; the rights add up.",
      ownerText:
        "Whoever adds a system owns it. The owner may do everything, and only the owner may delete the system.",
      administratorText:
        "May do everything except deleting the system: rename it, grant and withdraw roles, add it to groups, and use all of its functions.",
      monitoringText: "Sees monitoring data and alerts of the system.",
      backupText: "Creates and restores backups of the system.",
      callDataText: "Reads the call records of the system.",
      everyone:
        "Everyone who can see a system may read its system information, licences and registration state. Everyone reads the news.",
      conditions:
        "Functions that work on the system itself also need an active maintenance contract and recent enough firmware; some also need permission given on site.",
      companyAdmin:
        "Company administrators additionally read the audit log of their company. They receive no rights on systems from this alone.",
    },
    access: {
      title: "Groups and direct authorisations",
      direct:
        "A direct authorisation gives one colleague one or more roles on one system. You find the ones you granted under Authorisations.",
      groups:
        "A group collects colleagues and systems. Members get the group's default role, or a role the group owner sets for them, on every system in the group. Groups suit teams that look after many systems together.",
      public:
        "Public groups can be joined by everyone in the company; private groups only get members through their owner.",
      combined: "A user's rights are the sum of ownership, direct authorisations and group memberships.",
    },
    states: {
      title: "States of a device",
      waitingText: "The system was added, but no agent has been paired with it yet.",
      pairedText: "The agent is paired and may send data. Online or offline shows whether it is connected right now.",
      restrictedText:
        "Paired, but functions are limited because the maintenance contract is not active or the firmware is too old.",
      errorText: "Pairing cannot go on, for example because the confirmation code has expired. Renew the code.",
      unknownText: "The control center has no reliable information about the system yet.",
    },
  },
  legal: {
    nav: "Legal documents",
    notFound: {
      title: "Document not found",
      text: "There is no legal document at this address. These are available:",
    },
    privacy: {
      title: "Privacy policy",
      intro:
        "This control center is run by your service provider (the operator). The operator is responsible for the personal data processed here and answers your questions about it.",
      dataTitle: "What is stored",
      account: "Your account: e-mail address, name, company, language and, for local accounts, a salted hash of your password (never the password itself).",
      activity:
        "An audit log of changes and sign-ins with time, acting user and network address, so that the company can trace who did what.",
      systems:
        "Data about the telephone systems: serial number, model, firmware, connection state and the measurements the agent sends.",
      browserTitle: "In your browser",
      cookie:
        "One session cookie keeps you signed in; it is needed for the portal to work and is not used for tracking. Your language and the last system you chose are kept in the browser's local storage.",
      noTracking: "There is no advertising, no tracking and no analytics service of third parties.",
      retentionTitle: "How long",
      retention:
        "Measurements are kept for limited periods set by the operator and then removed or condensed. Account data stays as long as the account exists.",
      rightsTitle: "Your rights",
      rights:
        "You may ask the operator which data about you is stored, and have it corrected or deleted where the law allows.",
    },
    licence: {
      title: "Licence agreement",
      intro:
        "The control center is open-source software. The operator runs it for you as a service; your contract with the operator governs its use.",
      useTitle: "Use of the service",
      use: "Use the portal and its interfaces only for the systems of your company and only within the rights given to you.",
      accountsTitle: "Accounts and tokens",
      accounts:
        "Keep your password and API tokens secret. Whatever is done with them counts as done by you. Delete tokens you no longer need.",
      softwareTitle: "The software",
      software:
        "The control center itself is licensed under the Apache License, Version 2.0; its source code comes with every release. Components of other projects keep their own licences; see the open-source licences.",
      warrantyTitle: "No warranty from the software",
      warranty:
        "The software is provided as it is. Commitments about availability and support come only from your contract with the operator.",
    },
    openSource: {
      title: "Open-source licences",
      intro:
        "The control center is built on the work of many open-source projects. The main components and their licences are listed below; each licence text comes with the component.",
      caption: "Third-party components",
      component: "Component",
      version: "Version",
      licence: "Licence",
      usedIn: "Used in",
      portal: "Web portal",
      server: "Relay and agent",
      broker: "Message broker",
      publicDomain: "Public domain",
    },
  },
} as const;
