import type en from "../en/basics";
import type { Translation } from "../translation";

// Anmeldung, Dashboard, Neuigkeiten, eigenes Konto, Online-Hilfe und rechtliche Dokumente.
export default {
  login: {
    title: "Anmelden",
    intro: "Ihre Telefonanlagen an einem Ort verwalten und im Blick behalten.",
    email: "E-Mail",
    password: "Passwort",
    submit: "Anmelden",
    submitting: "Anmeldung läuft…",
    checking: "Anmeldestatus wird geprüft…",
    or: "oder",
    sso: "Mit {{name}} anmelden",
    ssoDefaultName: "Single Sign-on",
    emailRequired: "Geben Sie Ihre E-Mail-Adresse ein.",
    passwordRequired: "Geben Sie Ihr Passwort ein.",
    tooManyAttempts: "Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in {{wait}} erneut.",
    ssoFailed: "Die Anmeldung über Single Sign-on hat nicht geklappt.",
    ssoErrors: {
      expired:
        "Die Anmeldung hat zu lange gedauert oder wurde in einem anderen Browserfenster begonnen. Bitte starten Sie sie neu.",
      refused: "Der Anmeldedienst hat die Anmeldung abgebrochen oder abgelehnt.",
      unavailable:
        "Der Anmeldedienst ist gerade nicht erreichbar. Versuchen Sie es später noch einmal oder melden Sie sich mit Passwort an.",
      notVerified:
        "Die Antwort des Anmeldedienstes ließ sich nicht überprüfen. Wenn das wieder passiert, bitten Sie Ihre Administration, die Single-Sign-on-Einstellungen zu prüfen.",
      clock:
        "Die Anmeldung ließ sich nicht prüfen, weil die Uhren der Server voneinander abweichen. Bitte versuchen Sie es erneut; klappt es weiterhin nicht, informieren Sie Ihre Administration.",
      noEmail: "Der Anmeldedienst hat keine bestätigte E-Mail-Adresse für Ihr Konto übermittelt.",
      noCompany: "Ihr Konto ließ sich keiner Firma zuordnen. Bitten Sie Ihre Administration, Sie einzurichten.",
      conflict: "Diese E-Mail-Adresse gehört bereits zu einem anderen Konto. Wenden Sie sich an Ihre Administration.",
      disabled: "Ihr Konto ist gesperrt. Wenden Sie sich an Ihre Administration.",
      notFound: "Für Sie gibt es im Control Center noch kein Konto. Bitten Sie Ihre Administration, eines anzulegen.",
      internal: "Auf dem Server ist bei der Anmeldung ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.",
      generic: "Die Anmeldung ist nicht gelungen. Bitte versuchen Sie es erneut.",
    },
  },
  dashboard: {
    title: "Dashboard",
    welcome: "Willkommen, {{name}}.",
    status: {
      title: "Statusinformationen",
      version: "Serverversion",
      versionUnknown: "nicht verfügbar",
      copy: "Statusinformationen kopieren",
      copying: "Wird kopiert…",
      copied: "Die Statusinformationen sind in der Zwischenablage.",
      copyFailed: "Das Kopieren hat nicht geklappt. Markieren Sie den Text unten und kopieren Sie ihn von Hand.",
      preview: "Dieser Text wird kopiert",
      hint: "Fügen Sie diesen Text in Ihre Nachricht ein, wenn Sie sich an den Support wenden. So lässt sich die Ursache schneller finden.",
    },
    statusFields: {
      product: "Produkt",
      serverVersion: "Serverversion",
      serverTime: "Serverzeit",
      portalUrl: "Portaladresse",
      userAgent: "Browser",
      language: "Sprache",
      user: "Benutzer",
      company: "Firma",
    },
    systems: {
      title: "Ihre Anlagen",
      total_one: "Sie haben Zugriff auf {{count, number}} Anlage.",
      total_other: "Sie haben Zugriff auf {{count, number}} Anlagen.",
      none: "Sie haben noch auf keine Anlage Zugriff.",
      overview: "Zur Anlagenübersicht",
      add: "Anlage hinzufügen",
    },
    news: {
      title: "Neueste Meldungen",
      all: "Alle Neuigkeiten",
      none: "Noch keine Neuigkeiten.",
    },
    links: {
      title: "Hilfe und Rechtliches",
      help: "Online-Hilfe",
      privacy: "Datenschutzerklärung",
      licence: "Lizenzvereinbarung",
      openSource: "Open-Source-Lizenzen",
    },
  },
  news: {
    title: "Neuigkeiten",
    intro: "Mitteilungen des Betreibers dieses Control Centers, die neueste zuerst.",
    filter: "Neuigkeiten filtern",
    empty: "Noch keine Neuigkeiten.",
    noMatch: "Keine Meldung passt zu diesem Filter.",
    clearFilter: "Filter leeren",
    published: "Veröffentlicht am {{date}}",
    listLabel: "Meldungen",
    range: "{{from, number}}–{{to, number}} von {{total, number}}",
  },
  account: {
    title: "Mein Konto",
    profile: {
      title: "Profil",
      email: "E-Mail",
      name: "Name",
      company: "Firma",
      companyAdmin: "Firmenadministrator",
      yes: "Ja",
      no: "Nein",
      noName: "nicht angegeben",
    },
    language: {
      title: "Sprache",
      label: "Sprache des Portals",
      hint: "Wird mit Ihrem Konto gespeichert, damit jedes Gerät in dieser Sprache startet.",
      saving: "Wird gespeichert…",
      saved: "Sprache gespeichert.",
    },
    password: {
      title: "Passwort ändern",
      current: "Aktuelles Passwort",
      next: "Neues Passwort",
      repeat: "Passwort wiederholen",
      hint: "Mindestens {{min}} Zeichen.",
      submit: "Passwort ändern",
      saving: "Wird geändert…",
      changed: "Ihr Passwort wurde geändert.",
      tooManyAttempts: "Zu viele falsche Passwörter. Versuchen Sie es in {{wait}} erneut.",
      errors: {
        currentRequired: "Geben Sie Ihr aktuelles Passwort ein.",
        tooShort: "Das neue Passwort braucht mindestens {{min}} Zeichen.",
        mismatch: "Die Wiederholung stimmt nicht mit dem neuen Passwort überein.",
        sameAsCurrent: "Wählen Sie ein neues Passwort, das sich vom aktuellen unterscheidet.",
      },
    },
    tokens: {
      title: "API-Tokens",
      intro:
        "Skripte und andere Programme verwenden statt Ihres Passworts ein API-Token. Ein Token handelt mit Ihren Rechten: Halten Sie es geheim und löschen Sie es, sobald es nicht mehr gebraucht wird.",
      caption: "Ihre API-Tokens",
      filter: "Tokens filtern",
      empty: "Sie haben keine API-Tokens.",
      noMatch: "Kein Token passt zu diesem Filter.",
      columns: {
        name: "Name",
        created: "Erstellt",
        lastUsed: "Zuletzt benutzt",
        expires: "Läuft ab",
      },
      noExpiry: "läuft nicht ab",
      create: "Token erstellen",
      createTitle: "API-Token erstellen",
      name: "Name",
      nameHint: "Zum Beispiel das Skript oder der Rechner, der es verwendet.",
      days: "Gültig für (Tage)",
      daysHint: "1 bis {{max}} Tage. Leer lassen für ein Token, das nicht abläuft.",
      submit: "Token erstellen",
      creating: "Wird erstellt…",
      createdTitle: "Token erstellt",
      createdWarning:
        "Kopieren Sie das Token jetzt. Es wird nur dieses eine Mal angezeigt; danach kann es niemand mehr lesen.",
      token: "Token",
      copy: "Token kopieren",
      copied: "Das Token ist in der Zwischenablage.",
      copyFailed: "Das Kopieren hat nicht geklappt. Markieren Sie das Token und kopieren Sie es von Hand.",
      done: "Fertig",
      delete: "Löschen",
      deleteLabel: "Token {{name}} löschen",
      deleteTitle: "API-Token löschen",
      deleteText: "Das Token „{{name}}“ löschen? Skripte, die es verwenden, funktionieren sofort nicht mehr.",
      deleteSelected_one: "{{count, number}} Token löschen? Skripte, die es verwenden, funktionieren sofort nicht mehr.",
      deleteSelected_other:
        "{{count, number}} Tokens löschen? Skripte, die sie verwenden, funktionieren sofort nicht mehr.",
      deleted: "Token gelöscht.",
      errors: {
        nameRequired: "Geben Sie einen Namen ein.",
        nameTooLong: "Der Name darf höchstens {{max}} Zeichen haben.",
        days: "Geben Sie eine ganze Zahl von 1 bis {{max}} Tagen ein oder lassen Sie das Feld leer.",
      },
    },
  },
  help: {
    title: "Online-Hilfe",
    intro:
      "Das Control Center verbindet die Telefonanlagen Ihrer Firma mit einem gemeinsamen Webportal. Hier sehen Sie ihren Zustand, legen fest, wer an welcher Anlage arbeiten darf, und erreichen die Funktionen, die eine Anlage bietet.",
    contents: "Auf dieser Seite",
    overview: {
      title: "Was das Control Center leistet",
      agent:
        "Neben jeder Telefonanlage läuft ein kleines Programm, der Agent. Er sammelt Angaben über die Anlage und schickt sie über eine verschlüsselte Verbindung an das Control Center – auch nach einem Netzausfall: Was er nicht senden konnte, hebt er auf und liefert es später nach.",
      portal:
        "Im Portal fügen Sie Anlagen hinzu, koppeln sie mit ihrem Agenten, sehen, ob sie erreichbar sind, und geben Kolleginnen und Kollegen Ihrer Firma Zugriff darauf.",
      later:
        "Manche Funktionen wie Überwachungsdiagramme, Datensicherungen oder Gesprächsdaten kommen in späteren Versionen. Ihre Seiten stehen schon in der Navigation und sagen das deutlich.",
    },
    pairing: {
      title: "Eine Anlage koppeln",
      intro: "Das Koppeln verbindet eine Anlage im Portal mit dem Agenten vor Ort. Es dauert nur wenige Minuten:",
      step1: "Fügen Sie die Anlage unter „Anlagen“ hinzu – mit einem frei gewählten Namen und ihrer Seriennummer.",
      step2:
        "Das Portal zeigt für die neue Anlage einen Bestätigungscode. Er gilt 24 Stunden; ist er abgelaufen, erneuern Sie ihn auf derselben Seite.",
      step3: "Führen Sie vor Ort auf dem Rechner neben der Telefonanlage aus: ",
      step3Command: "ccc-agent pair CODE --config /etc/ccc/agent.toml",
      step4:
        "Der Agent weist sich mit Seriennummer und Code aus. Die Seriennummer in der Konfiguration des Agenten muss die sein, die Sie eingegeben haben.",
      step5:
        "Kurz darauf wechselt der Zustand in der Anlagenübersicht auf „{{state}}“. Neu laden müssen Sie die Seite dafür nicht.",
      note: "Jeder Code funktioniert nur einmal. Ein neuer Code ersetzt den vorherigen.",
    },
    roles: {
      title: "Rollen und was sie erlauben",
      intro:
        "Rechte gelten immer für eine bestimmte Anlage. Ein Benutzer kann auf derselben Anlage mehrere Rollen haben; die Rechte addieren sich.",
      ownerText:
        "Wer eine Anlage hinzufügt, ist ihr Eigentümer. Er darf alles, und nur er darf die Anlage löschen.",
      administratorText:
        "Darf alles außer dem Löschen der Anlage: sie umbenennen, Rollen vergeben und entziehen, sie Gruppen hinzufügen und alle ihre Funktionen nutzen.",
      monitoringText: "Sieht Überwachungsdaten und Alarme der Anlage.",
      backupText: "Erstellt Datensicherungen der Anlage und spielt sie zurück.",
      callDataText: "Liest die Gesprächsdaten der Anlage.",
      everyone:
        "Wer eine Anlage sehen kann, darf ihre Anlageninformationen, Lizenzen und den Registrierungsstatus lesen. Die Neuigkeiten lesen alle.",
      conditions:
        "Funktionen, die auf der Anlage selbst arbeiten, brauchen zusätzlich einen aktiven Wartungsvertrag und eine ausreichend aktuelle Firmware; manche zusätzlich eine Freigabe vor Ort.",
      companyAdmin:
        "Firmenadministratoren lesen außerdem das Änderungsprotokoll ihrer Firma. Rechte an Anlagen erhalten sie dadurch allein nicht.",
    },
    access: {
      title: "Gruppen und direkte Berechtigungen",
      direct:
        "Eine direkte Berechtigung gibt einer Kollegin oder einem Kollegen eine oder mehrere Rollen auf einer Anlage. Die von Ihnen vergebenen finden Sie unter „Berechtigungen“.",
      groups:
        "Eine Gruppe fasst Personen und Anlagen zusammen. Mitglieder erhalten auf jeder Anlage der Gruppe deren Standardrolle oder die Rolle, die der Gruppeneigentümer für sie festlegt. Gruppen eignen sich für Teams, die viele Anlagen gemeinsam betreuen.",
      public:
        "Öffentlichen Gruppen kann jeder in der Firma beitreten; private Gruppen erhalten Mitglieder nur über ihren Eigentümer.",
      combined:
        "Die Rechte eines Benutzers ergeben sich aus Eigentum, direkten Berechtigungen und Gruppenmitgliedschaften zusammen.",
    },
    states: {
      title: "Zustände eines Geräts",
      waitingText: "Die Anlage ist angelegt, aber noch mit keinem Agenten gekoppelt.",
      pairedText:
        "Der Agent ist gekoppelt und darf Daten senden. Online oder offline zeigt, ob er gerade verbunden ist.",
      restrictedText:
        "Gekoppelt, aber Funktionen sind eingeschränkt, weil kein Wartungsvertrag aktiv ist oder die Firmware zu alt ist.",
      errorText:
        "Die Kopplung kann nicht weitergehen, zum Beispiel weil der Bestätigungscode abgelaufen ist. Erneuern Sie den Code.",
      unknownText: "Das Control Center hat noch keine verlässlichen Angaben über die Anlage.",
    },
  },
  legal: {
    nav: "Rechtliche Dokumente",
    notFound: {
      title: "Dokument nicht gefunden",
      text: "Unter dieser Adresse gibt es kein rechtliches Dokument. Diese sind verfügbar:",
    },
    privacy: {
      title: "Datenschutzerklärung",
      intro:
        "Dieses Control Center wird von Ihrem Dienstleister (dem Betreiber) betrieben. Der Betreiber ist für die hier verarbeiteten personenbezogenen Daten verantwortlich und beantwortet Ihre Fragen dazu.",
      dataTitle: "Was gespeichert wird",
      account:
        "Ihr Konto: E-Mail-Adresse, Name, Firma, Sprache und bei lokalen Konten ein gesalzener Hash Ihres Passworts (nie das Passwort selbst).",
      activity:
        "Ein Protokoll von Änderungen und Anmeldungen mit Zeitpunkt, handelndem Benutzer und Netzwerkadresse, damit die Firma nachvollziehen kann, wer was getan hat.",
      systems:
        "Angaben zu den Telefonanlagen: Seriennummer, Modell, Firmware, Verbindungszustand und die Messwerte, die der Agent sendet.",
      browserTitle: "In Ihrem Browser",
      cookie:
        "Ein Sitzungs-Cookie hält Sie angemeldet; es ist für das Portal nötig und dient nicht der Verfolgung. Ihre Sprache und die zuletzt gewählte Anlage liegen im lokalen Speicher des Browsers.",
      noTracking: "Es gibt keine Werbung, keine Verfolgung und keine Analysedienste Dritter.",
      retentionTitle: "Wie lange",
      retention:
        "Messwerte werden für begrenzte, vom Betreiber festgelegte Zeiträume aufbewahrt und danach gelöscht oder verdichtet. Kontodaten bleiben bestehen, solange das Konto existiert.",
      rightsTitle: "Ihre Rechte",
      rights:
        "Sie können beim Betreiber erfragen, welche Daten über Sie gespeichert sind, und sie im gesetzlichen Rahmen berichtigen oder löschen lassen.",
    },
    licence: {
      title: "Lizenzvereinbarung",
      intro:
        "Das Control Center ist Open-Source-Software. Der Betreiber stellt es Ihnen als Dienst bereit; für die Nutzung gilt Ihr Vertrag mit dem Betreiber.",
      useTitle: "Nutzung des Dienstes",
      use: "Nutzen Sie das Portal und seine Schnittstellen nur für die Anlagen Ihrer Firma und nur im Rahmen der Rechte, die Ihnen gegeben wurden.",
      accountsTitle: "Konten und Tokens",
      accounts:
        "Halten Sie Ihr Passwort und Ihre API-Tokens geheim. Was damit geschieht, gilt als von Ihnen getan. Löschen Sie Tokens, die Sie nicht mehr brauchen.",
      softwareTitle: "Die Software",
      software:
        "Das Control Center selbst steht unter der Apache License, Version 2.0; sein Quellcode liegt jeder Version bei. Bestandteile anderer Projekte behalten ihre eigenen Lizenzen; siehe die Open-Source-Lizenzen.",
      warrantyTitle: "Keine Gewährleistung durch die Software",
      warranty:
        "Die Software wird so bereitgestellt, wie sie ist. Zusagen zu Verfügbarkeit und Support ergeben sich allein aus Ihrem Vertrag mit dem Betreiber.",
    },
    openSource: {
      title: "Open-Source-Lizenzen",
      intro:
        "Das Control Center baut auf der Arbeit vieler Open-Source-Projekte auf. Unten stehen die wichtigsten Bestandteile mit ihren Lizenzen; der Lizenztext liegt jedem Bestandteil bei.",
      caption: "Bestandteile anderer Projekte",
      component: "Bestandteil",
      version: "Version",
      licence: "Lizenz",
      usedIn: "Verwendet in",
      portal: "Webportal",
      server: "Relay und Agent",
      broker: "Nachrichtenbroker",
      publicDomain: "Gemeinfrei",
    },
  },
} satisfies Translation<typeof en>;
