/** The events feature's public entry: what other features use of it (working-group meetings, speaker requests). */
export { formValues, linkPresenters } from './organizer-kit.ts';
export { EventFormPage, type GroupMeetingForm } from './admin-views.tsx';
export { readEventForm, type EventFormValues } from './event-form.ts';
export { slugify, type EventInput, type EventKind, type StoredEvent } from './model.ts';
export { RuleError } from './recurrence.ts';
export { createEvent, EventExistsError, listOccurrences, type ListedOccurrence } from './store.ts';
export { COMMON_ZONES, formatShort, formatWhen, isValidZone, parseLocal } from './time.ts';
export { SessionList } from './list-views.tsx';
