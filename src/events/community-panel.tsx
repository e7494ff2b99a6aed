/** The community page's "Upcoming events" box: the next three sessions of the community's published events. */
import Html from '@kitajs/html';
import { communityPanel } from '../platform/contributions.ts';
import { listOccurrences } from './store.ts';
import { CommunityEventsBox } from './list-views.tsx';

export const upcomingEventsPanel = communityPanel({
  name: 'upcoming-events',
  load: (db, community) => listOccurrences(db, { community: community.slug, from: new Date(), limit: 3 }),
  render: (items, view) => <CommunityEventsBox slug={view.slug} items={items} canCreate={view.coordinator} />,
});
