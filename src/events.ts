/**
 * Every log line carries one of these event codes; the README lists them. Keep the
 * description short: it is what an operator reads when grepping the log.
 */
export const EVENTS = {
  // Service
  SERVICE_START: 'Service started',
  SERVICE_STOP: 'Service stopping',
  CONFIG_LOADED: 'Configuration loaded and validated',
  DB_MIGRATED: 'Database migrations applied',
  JOB_START: 'Scheduled job started',
  JOB_DONE: 'Scheduled job finished',
  JOB_SKIPPED: 'Scheduled job skipped: previous run still going',
  JOB_FAILED: 'Scheduled job failed',
  DIGEST_QUEUED: 'Daily digest queued for the clerk',
  REPORT_QUEUED: 'Six-monthly report (QĐ 1123 Art. 24) queued for the clerk',
  HTTP_LISTEN: 'Web app and API listening',

  // Intake (incoming pipeline)
  INTAKE_CYCLE: 'Intake cycle for one mailbox finished',
  INTAKE_LEASE_BUSY: 'Mailbox lease held by another worker; cycle skipped',
  INTAKE_UIDVALIDITY_CHANGED: 'UIDVALIDITY changed; UIDs re-listed, Message-IDs still dedupe',
  INTAKE_STORED: 'Raw mail stored and received row committed',
  INTAKE_DUPLICATE: 'Mail already received (same mailbox and Message-ID or content hash)',
  INTAKE_CLASSIFIED: 'Mail classified',
  INTAKE_REGISTERED: 'Document entered in the incoming register',
  INTAKE_REFUSED: 'Document refused; refusal queued',
  INTAKE_QUARANTINED: 'Mail quarantined',
  INTAKE_FAILED: 'Mail processing failed; will retry next cycle',
  INTAKE_BUDGET_EXCEEDED: 'Mail over its preparing budget (time or memory), or its last preparation never returned; quarantined',
  INTAKE_MESSAGE_ID_CONFLICT: 'Mail with the Message-ID of another mail but different content; quarantined, clerk notified',
  INTAKE_MALWARE_FOUND: 'Malware found in a document mail; quarantined and refused with 02',
  INTAKE_HELD_FOR_SCAN: 'Document mail held: the malware scanner is unavailable; retried next cycle',
  INTAKE_HELD_LONG: 'A document has been held for the malware scanner longer than scan.heldWarnAfterMinutes since it arrived; once per mail, with a notice to the clerk',
  INTAKE_HELD_RETRY: 'A held mail that is not in the inbox (retried from the quarantine) is taken again from its stored raw bytes, the scanner answering',
  INTAKE_MOVED: 'Mail moved out of the inbox after commit',
  INTAKE_MOVE_FAILED: 'Mail could not be moved; will retry',
  INTAKE_MOVE_HELD: 'Mail copied to its folder but left in the inbox flagged deleted: other mail there is flagged deleted and the server lacks UIDPLUS',
  MAIL_CLEARTEXT: 'A mailbox is configured without TLS (allowCleartext): its password goes in clear',
  IMAP_FOLDER_CREATED: 'A configured IMAP folder was missing and has been created',
  INTAKE_DUPLICATE_DOCUMENT: 'Possible duplicate document (same identifier or issuer/number/date)',
  IDLE_START: 'IMAP IDLE listener started',
  IDLE_EXISTS: 'IMAP IDLE reported new mail',
  IDLE_ERROR: 'IMAP IDLE listener error; will reconnect',
  IDLE_UNSUPPORTED: 'The IMAP server offers no IDLE; the mailbox is polled on its own schedule',
  IDLE_NO_BUDGET: 'No IMAP connection left in the host budget for IDLE; the mailbox is polled until one is',
  WORKER_CLAIMS: 'This worker took or gave back mailboxes (its share, or a dead worker’s)',
  MAILBOX_BACKOFF: 'A mailbox whose cycle failed waits before its next one',

  // Answers and outbox
  OUTBOX_SENT: 'Message sent',
  OUTBOX_DEFERRED: 'Send failed temporarily; retry scheduled',
  OUTBOX_FAILED: 'Send failed permanently',
  OUTBOX_SKIPPED_AUTO: 'Answer not sent: the mail was auto-generated (loop guard)',
  OUTBOX_LATE: 'Outgoing document sent after its deadline',

  // Quarantine (operator)
  QUARANTINE_RETRY: 'Quarantined mail re-queued for processing',
  QUARANTINE_RELEASE: 'Quarantined mail released to the clerk',
  QUARANTINE_DISCARD: 'Quarantined mail discarded (raw kept)',

  // Signatures
  SIGNATURE_VERIFIED: 'PDF signatures verified',

  // Outgoing and reconciliation
  SUBMIT_REGISTERED: 'Outgoing document registered and numbered',
  RECONCILE_MATCHED: 'Report matched to a document recipient',
  RECONCILE_ORPHAN: 'Report matched nothing; kept as orphan',
  RECONCILE_DUPLICATE: 'Report already applied; no-op',
  RECONCILE_OUT_OF_ORDER: 'Report older than current state; kept in history only',
  RECIPIENT_OVERDUE: 'Recipient has not answered by its deadline',
  RECALL_SENT: 'Recall request sent',
  RECALL_RECEIVED: 'Recall request received; entry cancelled',
  RECONCILE_CYCLE: 'Reconciliation run finished (sends recorded, reports matched)',
  ENTRY_STATUS: 'Incoming entry moved on by the clerk; status packet queued',
  DROP_SUBMITTED: 'Drop-folder file submitted as an outgoing document',
  DROP_FAILED: 'Drop-folder file could not be submitted; moved aside with the reason',

  // Hostile input and audit (docs/hostile-input.md)
  AUDIT_ANCHOR: 'Daily anchor: the event chain head hash, also sent in the digest',
  // Web app and API (actor = account or token, and the client address)
  WEB_LOGIN: 'Web login succeeded',
  WEB_LOGIN_FAILED: 'Web login failed (unknown name, wrong password, disabled or locked)',
  WEB_LOGIN_LOCKED: 'Account or client address locked after repeated failed logins',
  WEB_LOGOUT: 'Web logout',
  WEB_ACTION: 'Action taken from the web app or the API, with its actor',
  WEB_REFUSED: 'State-changing request refused (cross-site Origin or bad CSRF token)',
  WEB_ERROR: 'Web request failed with an unexpected error',
  ENTRY_FIELDS_COMPLETED: 'Clerk completed missing fields of an incoming entry',
  ORPHAN_ATTACHED: 'Orphan report attached by hand to a document recipient',
  DIRECTORY_IMPORTED: 'Agency directory imported from CSV',
  ACCOUNT_CREATED: 'Web account created',
  ACCOUNT_DISABLED: 'Web account disabled',
  ACCOUNT_PASSWORD_CHANGED: 'Web account password changed',
  TOKEN_CREATED: 'API token created',
  TOKEN_REVOKED: 'API token revoked',
} as const;

export type EventCode = keyof typeof EVENTS;
