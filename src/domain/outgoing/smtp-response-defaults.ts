/**
 * The embedded copy of config/smtp-responses.txt, used when the file is absent. Generated from the
 * file; test/domain/outgoing/smtp-response.test.ts fails when the two drift apart.
 */
export const DEFAULT_SMTP_RULES_TEXT = String.raw`# SMTP failure classification for outgoing documents (read by src/domain/outgoing/smtp-response.ts).
# The same rules are embedded in that file as the fallback when this file is absent; keep both equal
# (a test compares them).
#
# Format, one rule per line (zone-mta config/bounces.txt habit):
#   regex,action,category,message
# action:   retry | fail
# category: a short kebab-case word, used in logs, metrics and the outbox row
# regex:    JavaScript, case-insensitive; may contain commas but not ",retry," or ",fail,"
# The regex is tested against ONE line:
#   * the server reply, starting with its 3-digit code ("550 5.1.1 <a@b.vn>: User unknown"), or
#   * when there is no reply, the nodemailer error code ("ETIMEDOUT", "ECONNECTION", "EDNS"...).
# First match wins. No match: 4xx → retry/transient, 5xx → fail/permanent, no reply → retry/network.
# Enhanced status codes (RFC 3463) are read from the reply separately.

# --- Our own side: fixing it is the operator's job, the recipient is not at fault, so keep retrying
# until the retry max age rather than marking every recipient failed (RFC 4954: 535/5.7.8, 534, 538, 454).
^EAUTH\b,retry,auth,Authentication to our submission server failed
^5(?:30|34|35|38)\b,retry,auth,Authentication to our submission server failed
^\d{3} [45]\.7\.(?:8|9|11|12)\b,retry,auth,Authentication to our submission server failed
^ETLS\b,retry,tls,TLS negotiation or certificate verification failed
^(?:ECONNECTION|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKET|EDNS|EPROTOCOL|EHOSTUNREACH|ENETUNREACH|EPIPE|ENOTFOUND|EAI_AGAIN)\b,retry,network,Network error talking to the mail server
^ESTREAM\b,retry,message,Could not read the message while sending
^EENVELOPE\b,fail,envelope,No valid recipient in the envelope
^EMESSAGE\b,fail,message,Message rejected while sending

# --- Exceptions to "5xx = permanent".
# RFC 5321 §4.5.3.1.10: 552 for "too many recipients" is a mistake inherited from RFC 821; clients
# SHOULD treat it as temporary.
^552\b.*too many recipients,retry,rate-limit,Too many recipients in one transaction
# RFC 3463 X.2.2 "mailbox full": a quota the recipient's clerk can clear; retry until the max age
# rather than give up on an official document at once.
^5\d\d 5\.2\.2\b,retry,mailbox-full,Recipient mailbox is full
^5\d\d\b.*(?:mailbox (?:is )?full|over ?quota|quota exceeded|insufficient storage),retry,mailbox-full,Recipient mailbox is full
# Greylisting answered with a 5xx by a few misconfigured servers.
^5\d\d\b.*greylist,retry,greylisting,Greylisted

# --- Permanent failures, named so the clerk gets a useful reason (RFC 3463 subjects).
^5\d\d 5\.1\.[136]\b,fail,recipient,Recipient address does not exist
^5\d\d\b.*(?:user unknown|no such user|unknown user|mailbox unavailable|does not exist|recipient address rejected|invalid recipient),fail,recipient,Recipient address does not exist
^5\d\d 5\.1\.(?:2|10)\b,fail,domain,Recipient domain does not exist or accepts no mail
^5\d\d 5\.3\.4\b,fail,message-size,Message too large for the recipient server
^552\b.*(?:too (?:big|large)|size),fail,message-size,Message too large for the recipient server
^5\d\d 5\.7\.1\b.*(?:spam|blocked|blacklist|block list|blocklist|reputation),fail,blocked,Rejected as spam or sender blocked
^5\d\d 5\.7\.(?:23|25|26|27)\b,fail,authentication,Rejected by SPF/DKIM/DMARC policy
^5\d\d 5\.7\.\d{1,3}\b,fail,policy,Rejected by the recipient server's policy
^5\d\d\b.*(?:spam|blacklist|blocklist|block list|spamhaus|spamcop),fail,blocked,Rejected as spam or sender blocked

# --- Transient, named.
^4\d\d 4\.2\.2\b,retry,mailbox-full,Recipient mailbox is full
^4\d\d\b.*greylist,retry,greylisting,Greylisted
^421\b,retry,unavailable,Server unavailable or closing the connection
^45[0-2]\b,retry,transient,Temporary failure at the recipient server
`;
