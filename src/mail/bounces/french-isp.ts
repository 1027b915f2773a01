/**
 * French wording (Orange / Wanadoo, Free, SFR, La Poste and the French localisations of hosted
 * mail): "votre message n'a pas pu être délivré / remis / distribué", "Ceci est un message
 * automatique", "Message non délivré", with the address in angle brackets and the reason in French
 * (phrase table) or as a reply. Delays: "n'a pas encore pu être remis", "nouvelle tentative",
 * subject "Remise différée".
 */
import { ADDR, cleanAddress } from './text.js';
import type { Finding, Recogniser } from './types.js';

const FRENCH = /(?:n'a pas (?:encore )?(?:pu )?être (?:délivré|remis|distribué|acheminé)|impossible de (?:délivrer|remettre|distribuer|livrer|acheminer) (?:le|votre|ce) message|ce message a été (?:généré|créé) automatiquement|ceci est un message (?:automatique|généré automatiquement)|échec (?:de (?:la )?)?(?:remise|distribution|livraison)|message non (?:délivré|remis|distribué))/iu;

/** An address in angle brackets anywhere on a line, or a bare one starting the line (then a colon or nothing). */
const ADDRESS_IN_LINE = new RegExp(String.raw`<(${ADDR})>|^[ \t]*(${ADDR})[ \t]*(?::|$)`, 'gu');

export const frenchIsp: Recogniser = {
  id: 'french-isp',
  family: 'French ISPs and French-localised servers',
  match: v => FRENCH.test(v.text) || /^(?:message non (?:délivré|remis)|échec de (?:la )?(?:remise|distribution)|non remis|remise différée)\b/iu.test(v.subject.trim()),
  recipients: v => {
    const out: Finding[] = [];
    // The notice's own sender and its addressee (the original sender) are not failed recipients.
    const own = new Set([v.from, ...v.mail.to.map(t => t.address.toLowerCase())]);
    const lines = v.text.split('\n');
    for (const [i, line] of lines.entries()) {
      for (const m of line.matchAll(ADDRESS_IN_LINE)) {
        const address = cleanAddress(m[1] ?? m[2] ?? '');
        if (!address || own.has(address) || out.some(f => f.address === address)) continue;
        // The line naming the address and the rest of its paragraph (a few lines); when the address
        // stands alone, the lines after it too.
        const para = lines.slice(i, i + 4);
        const end = para.findIndex((l, k) => k > 0 && l.trim() === '');
        const alone = !/\S/u.test(line.replace(m[0], '').replace(/[:\s]/gu, ''));
        const segment = (alone ? lines.slice(i, i + 4) : para.slice(0, end < 0 ? undefined : end)).join('\n');
        out.push({ address, segment: segment.trim() });
      }
    }
    return out;
  },
};
