import { parseEnvelope } from '../edxml/envelope.js';
import { URGENCY_PRIORITY, urgencyFromPriority } from '../domain/document/urgency.js';
import { BridgeError } from '../errors.js';
import { hasPdfMagic } from '../mail/parse.js';
import { parseSubmissionMeta, type Submission } from './submission.js';

/**
 * An edXML package as a submission (docs/registers.md §Submitting outgoing documents: an edXML package counts as a submission): the
 * envelope's To/OrganId (or To/Email) are the recipients, its metadata the register fields, its
 * AttachmentEncoded parts the files (the first PDF is the document, the others annexes). The
 * number is ours (the outgoing register numbers it); the package's CodeNotation is kept.
 */
export function submissionFromEdxml(xml: Buffer, agencyCode: string): Omit<Submission, 'source'> {
  const env = parseEnvelope(xml);
  if (!env.ok) throw new BridgeError('EDXML_INVALID', `edXML package: ${env.errors.join('; ')}`);
  if (env.from?.organId && env.from.organId !== agencyCode) throw new BridgeError('EDXML_INVALID', `edXML package is from ${env.from.organId}, not ${agencyCode}`);
  const to = env.to.map(o => o.organId || o.email || '').filter(Boolean);
  if (to.length === 0) throw new BridgeError('EDXML_INVALID', 'edXML package names no recipient (To/OrganId or To/Email)');
  const files = env.encodedAttachments.map((a, i) => {
    if (a.zipped) throw new BridgeError('EDXML_INVALID', `attachment ${a.name ?? i + 1} is zipped; submit the PDF itself`);
    if (!hasPdfMagic(a.content)) throw new BridgeError('EDXML_INVALID', `attachment ${a.name ?? i + 1} is not a PDF`);
    return { name: (a.name ?? `tep-${i + 1}.pdf`).normalize('NFC'), content: a.content, role: i === 0 ? ('main' as const) : ('annex' as const) };
  });
  if (files.length === 0) throw new BridgeError('EDXML_INVALID', 'edXML package carries no attachment (AttachmentEncoded)');
  const urgency = urgencyFromPriority(env.priority ?? 0) ?? 'normal';
  const meta = parseSubmissionMeta({
    type: env.typeName || 'Công văn',
    notation: env.codeNotation || undefined,
    summary: env.subject ?? '',
    signer: { competence: env.signer?.competence || undefined, position: env.signer?.position || undefined, name: env.signer?.fullName || undefined },
    urgency: URGENCY_PRIORITY[urgency] === undefined ? 'normal' : urgency,
    dueDate: env.dueDate || undefined,
    toPlaces: env.toPlaces.length ? env.toPlaces : undefined,
  });
  return { agencyCode, to, files, meta };
}
