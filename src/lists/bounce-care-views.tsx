/** Bounce care pages: the coordinators' list of bouncing members, and the member's re-enable page. */
import Html from '@kitajs/html';
import { DateTime } from '../platform/luxon.ts';
import { Page, toHtml, type Site } from '../web/layout.tsx';
import { CsrfField, SuccessNotice } from '../web/forms.tsx';
import type { BounceEntry } from './bounce-care.ts';

interface CommunityRef {
  slug: string;
  title: string;
}

/** A UTC calendar day (YYYY-MM-DD) as "March 5, 2026". */
function day(d: string | null): string {
  return d ? DateTime.fromISO(d, { zone: 'utc' }).toFormat('MMM d, yyyy') : '';
}

export function BouncesPage(p: {
  site: Site;
  c: CommunityRef;
  listName: string;
  csrf: string;
  entries: BounceEntry[];
  policy: { threshold: number; warnings: number; warningIntervalDays: number };
  notice?: string;
}): string {
  const disabled = p.entries.filter((e) => e.disabledOn).length;
  return toHtml(
    <Page
      site={p.site}
      title={`Bouncing addresses in ${p.c.title}`}
      section="communities"
      breadcrumbs={[
        { href: '/communities', label: 'Communities' },
        { href: `/communities/${p.c.slug}`, label: p.c.title },
        { href: `/communities/${p.c.slug}/admin`, label: 'Manage' },
        { label: 'Bounces' },
      ]}
    >
      <h1 safe>{`Bouncing addresses in ${p.c.title}`}</h1>
      <p safe>
        {`When list mail to a member is returned as undeliverable, the member gets a bounce score: 1 for a day with a permanent failure, 0.5 for a day with only temporary ones. At ${p.policy.threshold} we stop sending ${p.listName} messages to them and email them how to turn delivery back on. ${p.policy.warnings > 0 ? `They get ${p.policy.warnings} ${p.policy.warnings === 1 ? 'notice' : 'notices'}, ${p.policy.warningIntervalDays} days apart, and are removed ${p.policy.warningIntervalDays} days after the last one.` : `They are removed ${p.policy.warningIntervalDays} days later.`} More than a week without bounces starts the score over.`}
      </p>
      <SuccessNotice text={p.notice} />
      {p.entries.length === 0 ? (
        <p>No member’s mail is bouncing.</p>
      ) : (
        <>
          <p safe>{`${p.entries.length} ${p.entries.length === 1 ? 'member has' : 'members have'} a bounce score; delivery is off for ${disabled}.`}</p>
          <table class="usa-table usa-table--stacked usa-table--borderless width-full">
            <caption class="usa-sr-only">Members whose mail bounces</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Score</th>
                <th scope="col">Last bounce</th>
                <th scope="col">Delivery</th>
                <th scope="col">Notices sent</th>
                <th scope="col">Last error</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {p.entries.map((e) => (
                <tr>
                  <th scope="row" data-label="Member">
                    <span safe>{e.name ?? e.email}</span>
                    {e.name ? (
                      <>
                        <br />
                        <span class="text-base" safe>
                          {e.email}
                        </span>
                      </>
                    ) : (
                      ''
                    )}
                  </th>
                  <td data-label="Score">{e.score}</td>
                  <td data-label="Last bounce">{e.lastBounceOn ? `${day(e.lastBounceOn)} (${e.lastBounceTemporary ? 'temporary' : 'permanent'})` : ''}</td>
                  <td data-label="Delivery">{e.disabledOn ? `Off since ${day(e.disabledOn)}` : 'On'}</td>
                  <td data-label="Notices sent">{e.disabledOn ? `${e.warningsSent}${e.lastWarningOn ? `, last on ${day(e.lastWarningOn)}` : ''}` : '0'}</td>
                  <td data-label="Last error">
                    {e.lastDiagnostic ? (
                      <details>
                        <summary>
                          {e.lastStatusCode ? (
                            <>
                              Code <span safe>{e.lastStatusCode}</span>
                            </>
                          ) : (
                            'Show the error'
                          )}
                        </summary>
                        <pre class="font-mono-3xs text-pre-wrap maxw-mobile-lg" safe>
                          {e.lastDiagnostic}
                        </pre>
                      </details>
                    ) : (
                      <span safe>{e.lastStatusCode ?? ''}</span>
                    )}
                  </td>
                  <td data-label="Action">
                    <form method="post" action={`/communities/${p.c.slug}/admin/bounces/${e.memberId}`}>
                      <CsrfField token={p.csrf} />
                      <button class="usa-button usa-button--outline" type="submit">
                        {e.disabledOn ? 'Re-enable delivery' : 'Clear score'}
                        <span class="usa-sr-only" safe>{` for ${e.name ?? e.email}`}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p>
        <a href={`/communities/${p.c.slug}/admin`}>Back to managing the community</a>
      </p>
    </Page>,
  );
}
