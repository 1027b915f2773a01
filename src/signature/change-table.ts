/**
 * THE decision table for changes after signing (docs/signatures.md §What may change after signing).
 * Every object an incremental update writes is given the role it had in the signed revision
 * (revision-roles.ts); each changed key of it (or the object as a whole, key '*') is looked up here
 * by (role, key) and gets a change class. What a class may do under each signature's permissions is
 * the second table, PERMISSIONS. Anything no row clears is `forbidden` (pyHanko's whitelist model).
 * Clauses: ISO 32000-2 §12.8.2.2 (DocMDP), §12.8.2.4 (FieldMDP), §12.7.4.5 (signature field /Lock),
 * §12.8.4.3 (DSS), §12.8.5 (document timestamps), §7.12 (developer extensions); ETSI EN 319 142-1
 * §5.4 (DSS, VRI) and §5.5 (document timestamps).
 */

/** What a change does. Ordered by `CLASS_LEVEL`. */
export type ChangeClass = 'none' | 'ltv' | 'bookkeeping' | 'signing' | 'form-filling' | 'appearance' | 'annotation' | 'forbidden';

/** The role an object had in the signed revision (or a pseudo-role for keys and array items). */
export type Role =
  | 'trailer' | 'catalog' | 'acroform' | 'fields-array' | 'fields-item' | 'page' | 'annots-array' | 'annots-item'
  | 'resources' | 'names' | 'dests' | 'annotation' | 'annotation-appearance' | 'field' | 'sig-field' | 'sig-dict'
  | 'widget-appearance' | 'dss' | 'extensions' | 'struct' | 'info' | 'metadata' | 'new' | 'deleted' | 'xref' | 'other';

/** One row: changes of `key` ('*' = any key, or the whole object) of an object in `role` are of class `cls`. */
export type ChangeRule = { role: Role; key: string; cls: ChangeClass; why: string; clause: string };

const ISO_MDP = 'ISO 32000-2 §12.8.2.2';
const ISO_DSS = 'ISO 32000-2 §12.8.4.3; ETSI EN 319 142-1 §5.4';
const ISO_TS = 'ISO 32000-2 §12.8.5; ETSI EN 319 142-1 §5.5';
const ISO_FORM = 'ISO 32000-2 §12.7.4, §12.8.2.2 (P=2: fill in forms)';
const ISO_ANNOT = 'ISO 32000-2 §12.5, §12.8.2.2 (P=3: annotations)';
const ISO_SIGN = 'ISO 32000-2 §12.7.5.5, §12.8.2.2 (P=2: sign)';

/** The table. Order matters only within one (role, key): the first row wins; '*' is the fallback. */
export const CHANGE_TABLE: ChangeRule[] = [
  // Long-term validation data (PAdES B-LT / B-LTA): always allowed, even after DocMDP P=1.
  { role: 'catalog', key: 'DSS', cls: 'ltv', why: 'document security store added or extended', clause: ISO_DSS },
  { role: 'catalog', key: 'Extensions', cls: 'ltv', why: 'developer extensions declared (ESIC for PAdES)', clause: 'ISO 32000-2 §7.12; ETSI EN 319 142-1 §5.4' },
  { role: 'catalog', key: 'Version', cls: 'ltv', why: 'PDF version raised for the DSS or document timestamp', clause: 'ISO 32000-2 §7.7.2; ETSI EN 319 142-1 §5.4' },
  { role: 'dss', key: '*', cls: 'ltv', why: 'DSS, VRI or validation data', clause: ISO_DSS },
  { role: 'extensions', key: '*', cls: 'ltv', why: 'developer extensions dictionary', clause: 'ISO 32000-2 §7.12' },
  { role: 'annots-item', key: 'added:timestamp-widget', cls: 'ltv', why: 'document timestamp field widget', clause: ISO_TS },
  { role: 'fields-item', key: 'added:timestamp-field', cls: 'ltv', why: 'document timestamp field', clause: ISO_TS },
  { role: 'new', key: 'timestamp-dict', cls: 'ltv', why: 'document timestamp dictionary', clause: ISO_TS },
  // Bookkeeping that changes nothing shown.
  { role: 'new', key: '*', cls: 'none', why: 'new object (judged where it is referenced)', clause: 'ISO 32000-2 §7.5.6' },
  { role: 'new', key: 'fills-dangling-reference', cls: 'forbidden', why: 'defines an object the signed revision referred to but lacked', clause: 'ISO 32000-2 §7.3.10' },
  { role: 'info', key: '*', cls: 'none', why: 'document information dictionary', clause: 'ISO 32000-2 §14.3.3' },
  { role: 'metadata', key: '*', cls: 'none', why: 'XMP metadata', clause: 'ISO 32000-2 §14.3.2' },
  { role: 'catalog', key: 'Metadata', cls: 'none', why: 'XMP metadata', clause: 'ISO 32000-2 §14.3.2' },
  { role: 'trailer', key: 'Info', cls: 'none', why: 'document information dictionary', clause: 'ISO 32000-2 §7.5.5' },
  { role: 'trailer', key: 'ID', cls: 'none', why: 'file identifier updated', clause: 'ISO 32000-2 §14.4' },
  { role: 'trailer', key: 'Root', cls: 'none', why: 'catalog rewritten under another number (compared key by key)', clause: 'ISO 32000-2 §7.5.5' },
  { role: 'trailer', key: 'Encrypt', cls: 'forbidden', why: 'encryption changed', clause: 'ISO 32000-2 §7.6' },
  { role: 'trailer', key: '*', cls: 'none', why: 'cross-reference bookkeeping (/Size, /Prev, stream keys)', clause: 'ISO 32000-2 §7.5.5, §7.5.8' },
  { role: 'catalog', key: 'StructTreeRoot', cls: 'bookkeeping', why: 'structure tree (tagged PDF)', clause: 'ISO 32000-2 §14.7' },
  { role: 'catalog', key: 'MarkInfo', cls: 'bookkeeping', why: 'tagged-PDF flag', clause: 'ISO 32000-2 §14.7.1' },
  { role: 'struct', key: '*', cls: 'bookkeeping', why: 'structure tree entry (e.g. the new signature widget tagged)', clause: 'ISO 32000-2 §14.7' },
  { role: 'page', key: 'StructParents', cls: 'bookkeeping', why: 'structure tree back-link', clause: 'ISO 32000-2 §14.7.5.4' },
  { role: 'page', key: 'Tabs', cls: 'bookkeeping', why: 'tab order of annotations', clause: 'ISO 32000-2 §7.7.3.3' },
  { role: 'page', key: 'PieceInfo', cls: 'none', why: 'application data', clause: 'ISO 32000-2 §14.5' },
  { role: 'page', key: 'LastModified', cls: 'none', why: 'modification date', clause: 'ISO 32000-2 §14.5' },
  { role: 'resources', key: 'added', cls: 'bookkeeping', why: 'resource added under a new name (unused by the signed content)', clause: 'ISO 32000-2 §7.8.3' },
  { role: 'resources', key: '*', cls: 'forbidden', why: 'a resource the signed content uses was changed or removed', clause: 'ISO 32000-2 §7.8.3' },
  { role: 'dests', key: '*', cls: 'none', why: 'named destinations', clause: 'ISO 32000-2 §12.3.2.4' },
  { role: 'names', key: 'Dests', cls: 'none', why: 'named destinations', clause: 'ISO 32000-2 §7.7.4' },
  { role: 'acroform', key: 'SigFlags', cls: 'bookkeeping', why: 'signature flags', clause: 'ISO 32000-2 §12.7.3 Table 224' },
  { role: 'acroform', key: 'DR', cls: 'bookkeeping', why: 'default resources (entries added only, see resources rows)', clause: 'ISO 32000-2 §12.7.3' },
  // Signing: a new signature field, or an empty one filled with a signature.
  { role: 'annots-item', key: 'added:signature-widget', cls: 'signing', why: 'signature field widget added', clause: ISO_SIGN },
  { role: 'fields-item', key: 'added:signature-field', cls: 'signing', why: 'signature field added', clause: ISO_SIGN },
  { role: 'new', key: 'signature-dict', cls: 'signing', why: 'signature dictionary', clause: ISO_SIGN },
  { role: 'sig-field', key: 'signed-now', cls: 'signing', why: 'empty signature field signed', clause: ISO_SIGN },
  { role: 'fields-array', key: '*', cls: 'none', why: 'form fields array (its items are judged one by one)', clause: ISO_SIGN },
  // Form filling (DocMDP P=2 and P=3, approval signatures; FieldMDP locks apply).
  { role: 'field', key: 'V', cls: 'form-filling', why: 'field value', clause: ISO_FORM },
  { role: 'field', key: 'I', cls: 'form-filling', why: 'selected list items', clause: ISO_FORM },
  { role: 'field', key: 'RV', cls: 'form-filling', why: 'rich-text value', clause: ISO_FORM },
  { role: 'field', key: 'AS', cls: 'form-filling', why: 'check box / radio state with its field value', clause: ISO_FORM },
  { role: 'field', key: 'AP', cls: 'form-filling', why: 'appearance of a filled field', clause: ISO_FORM },
  { role: 'widget-appearance', key: 'filled', cls: 'form-filling', why: 'appearance stream of a filled field', clause: ISO_FORM },
  { role: 'acroform', key: 'NeedAppearances', cls: 'form-filling', why: 'viewers redraw fields from their values', clause: ISO_FORM },
  // Appearance regeneration: same value, an appearance that shows the same thing (appearance.ts).
  { role: 'field', key: 'same-appearance', cls: 'appearance', why: 'appearance regenerated, showing the same text and graphics', clause: 'ISO 32000-2 §12.7.4.3; §12.5.5' },
  { role: 'widget-appearance', key: 'same-appearance', cls: 'appearance', why: 'appearance stream regenerated, showing the same', clause: 'ISO 32000-2 §12.5.5' },
  { role: 'acroform', key: 'DA', cls: 'appearance', why: 'default appearance for regenerated fields', clause: 'ISO 32000-2 §12.7.4.3' },
  // Annotations (DocMDP P=3; for approval signatures the gateway wants a later signature to cover them).
  { role: 'annots-item', key: 'added:annotation', cls: 'annotation', why: 'annotation added', clause: ISO_ANNOT },
  { role: 'annots-item', key: 'removed:annotation', cls: 'annotation', why: 'annotation deleted', clause: ISO_ANNOT },
  { role: 'annots-item', key: 'reordered:annotation', cls: 'annotation', why: 'annotations restacked', clause: ISO_ANNOT },
  { role: 'annotation', key: '*', cls: 'annotation', why: 'annotation modified', clause: ISO_ANNOT },
  { role: 'annotation-appearance', key: '*', cls: 'annotation', why: 'annotation appearance', clause: ISO_ANNOT },
  { role: 'deleted', key: 'annotation', cls: 'annotation', why: 'annotation object freed', clause: ISO_ANNOT },
  { role: 'deleted', key: 'annotation-appearance', cls: 'annotation', why: 'annotation appearance freed', clause: ISO_ANNOT },
  // Forbidden: everything else that changes what is shown, spelled out where an attack uses it.
  { role: 'annots-item', key: 'added:widget', cls: 'forbidden', why: 'form field widget added (shadow "hide"/overlay)', clause: ISO_FORM },
  { role: 'annots-item', key: 'removed:widget', cls: 'forbidden', why: 'form field widget removed', clause: ISO_FORM },
  { role: 'annots-item', key: 'reordered:widget', cls: 'forbidden', why: 'widgets restacked (form over form)', clause: 'ISO 32000-2 §12.5.2 (drawing order)' },
  { role: 'annots-item', key: '*', cls: 'forbidden', why: 'unreadable annotation', clause: 'ISO 32000-2 §12.5' },
  { role: 'fields-item', key: '*', cls: 'forbidden', why: 'form field added, removed or reordered', clause: ISO_FORM },
  { role: 'field', key: 'changed-appearance', cls: 'forbidden', why: 'appearance changed without a value (shadow "replace")', clause: 'ISO 32000-2 §12.5.5' },
  { role: 'widget-appearance', key: '*', cls: 'forbidden', why: 'appearance stream changed without a value (shadow "replace")', clause: 'ISO 32000-2 §12.5.5' },
  { role: 'field', key: '*', cls: 'forbidden', why: 'field property other than its value (/Rect, /F, /MK, /DA, /Kids…)', clause: ISO_FORM },
  { role: 'sig-field', key: '*', cls: 'forbidden', why: 'signed signature field modified', clause: 'ISO 32000-2 §12.7.5.5' },
  { role: 'sig-dict', key: '*', cls: 'forbidden', why: 'signature dictionary modified', clause: 'ISO 32000-2 §12.8.1' },
  { role: 'catalog', key: 'Perms', cls: 'forbidden', why: 'certification added after signing', clause: ISO_MDP },
  { role: 'catalog', key: 'Names', cls: 'forbidden', why: 'name trees (JavaScript, embedded files) changed', clause: 'ISO 32000-2 §7.7.4' },
  { role: 'names', key: '*', cls: 'forbidden', why: 'name trees (JavaScript, embedded files) changed', clause: 'ISO 32000-2 §7.7.4' },
  { role: 'catalog', key: '*', cls: 'forbidden', why: 'document catalog changed (/Pages, /OCProperties, /OpenAction…)', clause: 'ISO 32000-2 §7.7.2' },
  { role: 'acroform', key: '*', cls: 'forbidden', why: 'interactive form changed (/XFA, /CO…)', clause: 'ISO 32000-2 §12.7.3' },
  { role: 'page', key: '*', cls: 'forbidden', why: 'page changed (/Contents, /MediaBox, /Rotate…)', clause: 'ISO 32000-2 §7.7.3.3' },
  { role: 'deleted', key: '*', cls: 'forbidden', why: 'object deleted', clause: 'ISO 32000-2 §7.5.4' },
  { role: 'xref', key: '*', cls: 'forbidden', why: 'cross-reference manipulation (shadow "hide"/"hide-and-replace")', clause: 'ISO 32000-2 §7.5.6' },
  { role: 'other', key: '*', cls: 'forbidden', why: 'content, font, image or page tree changed', clause: 'ISO 32000-2 §7.5.6' },
];

/** Modification levels (pyHanko ModificationLevel), reported per signature. */
export type ModLevel = 'none' | 'ltv' | 'form-filling' | 'annotations' | 'other';
/** Order of the levels. */
export const LEVEL_RANK: Record<ModLevel, number> = { none: 0, ltv: 1, 'form-filling': 2, annotations: 3, other: 4 };
/** The level each class reports. */
export const CLASS_LEVEL: Record<ChangeClass, ModLevel> = {
  none: 'none', bookkeeping: 'none', signing: 'none', ltv: 'ltv', 'form-filling': 'form-filling', appearance: 'form-filling', annotation: 'annotations', forbidden: 'other',
};

/** Whose permissions judge a change: a certification signature's DocMDP P, or an approval signature. */
export type Permission = 'P1' | 'P2' | 'P3' | 'approval';

/** yes: allowed (reported as a warning); cover: allowed only under a later trusted signature or the gateway's `allowedModification`; no: invalid. */
export type Allowance = 'yes' | 'cover' | 'no';

/** What each class may do under each permission (ISO 32000-2 §12.8.2.2 Table 257; §12.8.2.2.2 for DSS/timestamps). */
export const PERMISSIONS: Record<ChangeClass, Record<Permission, Allowance>> = {
  none: { P1: 'yes', P2: 'yes', P3: 'yes', approval: 'yes' },
  ltv: { P1: 'yes', P2: 'yes', P3: 'yes', approval: 'yes' },
  bookkeeping: { P1: 'no', P2: 'yes', P3: 'yes', approval: 'yes' },
  signing: { P1: 'no', P2: 'yes', P3: 'yes', approval: 'yes' },
  'form-filling': { P1: 'no', P2: 'yes', P3: 'yes', approval: 'yes' },
  appearance: { P1: 'no', P2: 'yes', P3: 'yes', approval: 'yes' },
  annotation: { P1: 'no', P2: 'no', P3: 'yes', approval: 'cover' },
  forbidden: { P1: 'no', P2: 'no', P3: 'no', approval: 'no' },
};

/** The row for (role, key): an exact key first, then '*'; forbidden when no row matches. */
export function lookup(table: ChangeRule[], role: Role, key: string): ChangeRule {
  return table.find(r => r.role === role && r.key === key)
    ?? table.find(r => r.role === role && r.key === '*')
    ?? { role, key, cls: 'forbidden', why: 'no rule clears this change', clause: 'ISO 32000-2 §12.8.2.2' };
}
