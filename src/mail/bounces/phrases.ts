/**
 * THE phrase table: what bounces say in words when they quote no status code, mapped to an RFC 3463
 * enhanced status code (docs/mail.md §Phrase table). One place for every language the recognised
 * families use (English, French, German, and the Japanese of m-FILTER); the recognisers never carry
 * their own wording for a status.
 *
 * An entry gives the subject and detail of the code ("1.1"); the class (4 or 5) comes from the
 * context (the DSN Status, the SMTP reply code next to the words, a delay notice), else the entry's
 * default. Entries are tried in order; the first that matches wins, so specific wording comes first.
 */

export type PhraseMeaning =
  | 'mailbox-unknown'
  | 'host-not-found'
  | 'mailbox-disabled'
  | 'mailbox-full'
  | 'message-too-large'
  | 'policy'
  | 'routing'
  | 'dns-failure'
  | 'no-answer'
  | 'delayed';

export type Phrase = {
  meaning: PhraseMeaning;
  /** Subject and detail of the RFC 3463 code, e.g. '1.1' for X.1.1. */
  detail: string;
  /** Class when the context gives none. */
  defaultClass: '4' | '5';
  lang: 'en' | 'fr' | 'de' | 'ja';
  re: RegExp;
};

/** The phrase table, most specific first (RFC 3463 §3 for the codes; sources in docs/mail.md §Phrase table). */
export const PHRASES: readonly Phrase[] = [
  // X.1.2 Bad destination system address: the domain or host does not exist (checked before the
  // mailbox wording: "domain not found" is not "address not found").
  { meaning: 'host-not-found', detail: '1.2', defaultClass: '5', lang: 'en', re: /\b(?:host or domain name not found|host not found|domain (?:name )?not found|no such domain|unknown (?:host|domain)|domain (?:does not|doesn't) exist|non-?existent (?:domain|host)|name or service not known|NXDOMAIN)\b|\bdomain (?:[\w.-]+ )?(?:couldn't|could not|cannot) be found/iu },
  { meaning: 'host-not-found', detail: '1.2', defaultClass: '5', lang: 'fr', re: /(?:domaine (?:inexistant|introuvable|inconnu)|(?:h[ôo]te|serveur) (?:introuvable|inconnu)|le domaine (?:de destination )?n'existe pas|nom de domaine (?:inexistant|introuvable))/iu },
  { meaning: 'host-not-found', detail: '1.2', defaultClass: '5', lang: 'de', re: /(?:Domain (?:existiert nicht|nicht gefunden|unbekannt)|unbekannte Domain|Host (?:nicht gefunden|unbekannt)|Zieldomain (?:existiert nicht|unbekannt))/iu },
  { meaning: 'host-not-found', detail: '1.2', defaultClass: '5', lang: 'ja', re: /(?:宛先ドメインが見つかりません|ドメインが存在しません)/u },

  // X.1.1 Bad destination mailbox address.
  { meaning: 'mailbox-unknown', detail: '1.1', defaultClass: '5', lang: 'en', re: /(?:\buser(?:name)? (?:unknown|not found|does not exist|doesn't exist)|\bunknown (?:user|recipient|address|local[- ]part|mailbox)|\bno such (?:user|mailbox|recipient|address|account|person)|\brecipient (?:unknown|not found|does not exist)|\binvalid (?:recipient|address|mailbox|user)\b|\bmailbox (?:does not exist|doesn't exist|not found|unknown)|\baccount (?:(?:that )?you tried to reach )?(?:does not exist|doesn't exist|not found)|\baddress (?:not found|does not exist|doesn't exist|unknown)|\bcouldn't be found\b|\bis not a valid (?:mailbox|recipient|user)|\bnot a known user\b|\bno mailbox here by that name\b|\bnot listed in (?:the )?(?:public |Domino )?(?:Name & Address Book|directory)|\bno longer (?:exists|active|valid)\b)/iu },
  { meaning: 'mailbox-unknown', detail: '1.1', defaultClass: '5', lang: 'fr', re: /(?:utilisateur (?:inconnu|inexistant|introuvable)|destinataire (?:inconnu|inexistant|introuvable)|adresse (?:e-?mail |électronique |de messagerie )?(?:inconnue|inexistante|introuvable|invalide)|(?:cette |l')adresse (?:e-?mail |électronique )?n'existe pas|(?:la )?bo[îi]te (?:aux lettres |mail )?(?:inexistante|introuvable|n'existe pas)|compte (?:inexistant|introuvable))/iu },
  { meaning: 'mailbox-unknown', detail: '1.1', defaultClass: '5', lang: 'de', re: /(?:Benutzer (?:unbekannt|existiert nicht)|unbekannter (?:Benutzer|Empfänger)|Empfänger (?:unbekannt|existiert nicht|nicht gefunden)|Empfängeradresse (?:existiert nicht|unbekannt|ungültig)|Adresse (?:existiert nicht|unbekannt)|Postfach (?:existiert nicht|nicht vorhanden|unbekannt)|kein solches Postfach)/iu },
  { meaning: 'mailbox-unknown', detail: '1.1', defaultClass: '5', lang: 'ja', re: /(?:宛先ユーザが存在しません|ユーザが見つかりません)/u },

  // X.2.1 Mailbox disabled, not accepting messages.
  { meaning: 'mailbox-disabled', detail: '2.1', defaultClass: '5', lang: 'en', re: /\b(?:mailbox|account|user|address) (?:is |has been )?(?:disabled|deactivated|inactive|suspended|locked|expired|blocked by the administrator)\b/iu },
  { meaning: 'mailbox-disabled', detail: '2.1', defaultClass: '5', lang: 'fr', re: /(?:compte|bo[îi]te (?:aux lettres|mail)) (?:est )?(?:désactivée?|suspendue?|bloquée?|fermée?)/iu },
  { meaning: 'mailbox-disabled', detail: '2.1', defaultClass: '5', lang: 'de', re: /(?:Postfach|Konto) (?:ist )?(?:gesperrt|deaktiviert|stillgelegt)/iu },

  // X.2.2 Mailbox full.
  { meaning: 'mailbox-full', detail: '2.2', defaultClass: '5', lang: 'en', re: /\b(?:mailbox (?:is )?full|inbox (?:is )?full|account (?:is )?full|mailbox (?:quota|size limit|storage limit) (?:exceeded|reached)|(?:is )?over (?:the )?quota|quota (?:exceeded|exceed|reached|full)|exceeded (?:the |its )?(?:storage allocation|quota|storage limit)|exceeds (?:the |its )?(?:mailbox )?quota|insufficient (?:storage|disk space) for (?:the )?(?:mailbox|user)|out of storage space)\b/iu },
  { meaning: 'mailbox-full', detail: '2.2', defaultClass: '5', lang: 'fr', re: /(?:bo[îi]te (?:aux lettres |mail |de réception )?(?:est )?pleine|quota (?:dépassé|atteint|plein)|dépassement (?:de|du) quota|espace de stockage (?:insuffisant|plein|saturé))/iu },
  { meaning: 'mailbox-full', detail: '2.2', defaultClass: '5', lang: 'de', re: /(?:Postfach (?:ist )?voll|Speicherplatz (?:überschritten|erschöpft|voll)|Quota überschritten|Speicherkontingent (?:überschritten|erschöpft))/iu },

  // X.3.4 Message too big for system.
  { meaning: 'message-too-large', detail: '3.4', defaultClass: '5', lang: 'en', re: /\b(?:message (?:is |was )?too (?:large|big|long)|message size (?:exceeds|exceeded|is larger than)|(?:exceeds|exceeded) (?:the )?(?:maximum )?(?:allowed )?(?:message )?size(?: limit)?|size limit exceeded|message length exceeds|mail size limit)\b/iu },
  { meaning: 'message-too-large', detail: '3.4', defaultClass: '5', lang: 'fr', re: /(?:message (?:est )?trop (?:volumineux|gros|grand)|taille (?:du message |maximale )?(?:dépassée|excède|dépasse|trop importante))/iu },
  { meaning: 'message-too-large', detail: '3.4', defaultClass: '5', lang: 'de', re: /(?:Nachricht (?:ist )?zu groß|Nachrichtengröße (?:überschreitet|überschritten)|Größenbeschränkung (?:überschritten)?)/iu },

  // X.7.1 Delivery not authorized, message refused: policy and spam rejections.
  { meaning: 'policy', detail: '7.1', defaultClass: '5', lang: 'en', re: /\b(?:spam|junk mail|blacklist(?:ed)?|blocklist(?:ed)?|block ?list|message (?:was |has been )?(?:blocked|refused|rejected) (?:as|because|due to|by (?:policy|content))|rejected (?:for|due to|by) (?:policy|content|security) (?:reasons?|rules?|filters?)?|policy (?:violation|reasons|rejection)|relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|not (?:authorized|permitted) to (?:send|relay)|access denied|content (?:rejected|filter)|has been blocked|message blocked)\b/iu },
  { meaning: 'policy', detail: '7.1', defaultClass: '5', lang: 'fr', re: /(?:(?:considéré|identifié|détecté|classé) comme (?:spam|indésirable|pourriel)|refusé (?:pour des raisons de|par) (?:politique|sécurité)|rejeté (?:comme|pour) (?:spam|pourriel)|liste noire|relais (?:refusé|interdit)|message (?:bloqué|refusé))/iu },
  { meaning: 'policy', detail: '7.1', defaultClass: '5', lang: 'de', re: /(?:als Spam (?:eingestuft|abgelehnt|erkannt)|Spam-?Verdacht|abgelehnt (?:aus|wegen) (?:Richtlinien|Sicherheitsgründen)|Relaying (?:nicht erlaubt|verweigert)|Nachricht (?:wurde )?(?:blockiert|abgewiesen))/iu },

  // X.4.4 Unable to route: no mail exchanger for the domain.
  { meaning: 'routing', detail: '4.4', defaultClass: '5', lang: 'en', re: /\b(?:unrouteable (?:address|domain|mail domain)|unable to route|no (?:valid )?MX (?:record|host)s?|MX lookup fail(?:ed|ure)|DNS lookup fail(?:ed|ure)|(?:could not|unable to|cannot) resolve (?:host|domain|the domain|MX))\b/iu },
  { meaning: 'routing', detail: '4.4', defaultClass: '5', lang: 'fr', re: /(?:aucun (?:serveur|enregistrement) MX|impossible de (?:trouver|résoudre) (?:le|un) (?:serveur|MX))/iu },
  { meaning: 'routing', detail: '4.4', defaultClass: '5', lang: 'de', re: /(?:kein MX|(?:Domain|Host) nicht auflösbar)/iu },

  // X.4.3 Directory server failure: the DNS did not answer (transient).
  { meaning: 'dns-failure', detail: '4.3', defaultClass: '4', lang: 'en', re: /\b(?:could not contact DNS servers?|DNS (?:server )?(?:failure|timeout|error)|temporary (?:DNS|name resolution) failure)\b/iu },

  // X.4.1 No answer from host.
  { meaning: 'no-answer', detail: '4.1', defaultClass: '4', lang: 'en', re: /\b(?:connection (?:timed out|refused)|timed out while|no answer from host|(?:could not|couldn't|unable to) connect|did not accept our requests to connect|network is unreachable|host (?:is )?unreachable|no route to host)\b/iu },
  { meaning: 'no-answer', detail: '4.1', defaultClass: '4', lang: 'fr', re: /(?:délai (?:de connexion )?(?:dépassé|expiré)|connexion refusée|impossible de (?:se connecter|joindre le serveur))/iu },
  { meaning: 'no-answer', detail: '4.1', defaultClass: '4', lang: 'de', re: /(?:Verbindung (?:abgelehnt|fehlgeschlagen)|Zeitüberschreitung)/iu },

  // X.4.7 Delivery time expired: the delay notices, and failures after the retry period.
  { meaning: 'delayed', detail: '4.7', defaultClass: '4', lang: 'en', re: /\b(?:delivery (?:has been |was |is )?delayed|message (?:has been |was |is )?delayed|delayed (?:for|more than)|not yet been delivered|still (?:being )?retried|still trying|will (?:be )?retr(?:y|ied)|will continue (?:trying|to try)|retry (?:timeout|time|period) (?:exceeded|expired)|message expired|expired in (?:the )?queue|delivery time expired|too long in (?:the )?queue|in the queue too long|could not be delivered within)\b/iu },
  { meaning: 'delayed', detail: '4.7', defaultClass: '4', lang: 'fr', re: /(?:(?:remise|distribution|livraison) (?:différée|retardée)|(?:a été |est )(?:retardé|différé)|(?<!aucune )nouvelle tentative (?:sera|aura)|n'a pas encore (?:été |pu être )?(?:délivré|remis|distribué))/iu },
  { meaning: 'delayed', detail: '4.7', defaultClass: '4', lang: 'de', re: /(?:Zustellung (?:verzögert|verspätet)|noch nicht zugestellt|wird erneut versucht|weitere Zustellversuche)/iu },
];

/** The first phrase found in `text`, with the line it was found on. */
export function findPhrase(text: string): { phrase: Phrase; line: string } | null {
  for (const phrase of PHRASES) {
    const m = phrase.re.exec(text);
    if (!m) continue;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index);
    return { phrase, line: text.slice(start, end < 0 ? undefined : end).trim() };
  }
  return null;
}
