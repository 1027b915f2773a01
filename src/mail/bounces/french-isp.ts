/**
 * French wording (Orange / Wanadoo, Free, SFR, La Poste and the French localisations of hosted
 * mail): "votre message n'a pas pu être délivré / remis / distribué", "Ceci est un message
 * automatique", "Message non délivré", with the address in angle brackets and the reason in French
 * (phrase table) or as a reply. Delays: "n'a pas encore pu être remis", "nouvelle tentative",
 * subject "Remise différée".
 */
import { ADDR, cleanAddress, paragraphAt } from './text.js';
import type { Finding, Recogniser } from './types.js';

const FRENCH = /(?:n'a pas (?:encore )?(?:pu )?être (?:délivré|remis|distribué|acheminé)|impossible de (?:délivrer|remettre|distribuer|livrer|acheminer) (?:le|votre|ce) message|ce message a été (?:généré|créé) automatiquement|ceci est un message (?:automatique|généré automatiquement)|échec (?:de (?:la )?)?(?:remise|distribution|livraison)|message non (?:délivré|remis|distribué))/iu;

export const frenchIsp: Recogniser = {
  id: 'french-isp',
  family: 'French ISPs and French-localised servers',
  match: v => FRENCH.test(v.text) || /^(?:message non (?:délivré|remis)|échec de (?:la )?(?:remise|distribution)|non remis|remise différée)\b/iu.test(v.subject.trim()),
  recipients: v => {
    const out: Finding[] = [];
    // The notice's own sender and its addressee (the original sender) are not failed recipients.
    const own = new Set([v.from, ...v.mail.to.map(t => t.address.toLowerCase())]);
    const lines = v.text.split('\n');
    let offset = 0;
    for (const [i, line] of lines.entries()) {
      for (const m of line.matchAll(new RegExp(String.raw`<(${ADDR})>|^[ \t]*(${ADDR})[ \t]*(?::|$)`, 'gu'))) {
        const address = cleanAddress(m[1] ?? m[2] ?? '');
        if (!address || own.has(address) || out.some(f => f.address === address)) continue;
        // The paragraph naming the address; when the address stands alone, the paragraph after it too.
        let segment = paragraphAt(v.text, offset);
        if (segment.trim() === line.trim() || !/\S/u.test(line.replace(m[0], ''))) segment = `${segment}\n${lines.slice(i + 1, i + 4).join('\n')}`;
        out.push({ address, segment: segment.trim() });
      }
      offset += line.length + 1;
    }
    return out;
  },
};
