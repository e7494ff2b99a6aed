/** HTML for shared tools, their terms-of-service agreements, agency adoptions and points of contact. */
import Html from '@kitajs/html';
import { Page, toHtml, type Crumb, type Site } from '../web/layout.tsx';
import { CsrfField, ErrorSummary, SelectField, SuccessNotice, TextArea, TextField, type FieldErrors } from '../web/forms.tsx';
import { formatDay } from '../web/format.ts';
import {
  AGREEMENT_STATUSES,
  AGREEMENT_STATUS_TEXT,
  DOC_TYPES,
  DOC_TYPE_TEXT,
  recorderRole,
  type Agreement,
  type Contact,
  type Tool,
  type ToolSummary,
} from './tools.ts';
import { choicesOf, DocumentUpload } from './form-parts.tsx';
import { renderLibraryMarkdown } from './render.ts';

const CRUMBS: Crumb[] = [
  { href: '/', label: 'Home' },
  { href: '/library', label: 'Library' },
];

export function ToolsPage(p: { site: Site; tools: ToolSummary[]; contacts: Contact[]; canManage: boolean }): string {
  // The digital.gov list has no categories: the column shows only when an editor has given one.
  const categories = p.tools.some((t) => t.category);
  return toHtml(
    <Page site={p.site} title="Shared tools and terms of service" section="library" breadcrumbs={[...CRUMBS, { label: 'Shared tools' }]}>
      <h1>Shared tools and terms of service</h1>
      <p class="usa-intro">
        Free digital tools whose vendors agreed to federal-compatible terms of service, which agencies have signed them, and whom to ask at each agency.
      </p>
      {p.canManage ? (
        <p>
          <a class="usa-button" href="/library/tools/new">
            Add a tool
          </a>
        </p>
      ) : (
        ''
      )}
      {p.tools.length ? (
        <table class="usa-table usa-table--stacked">
          <caption>Tools and the status of their agreements</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">What it is</th>
              {categories ? <th scope="col">Category</th> : ''}
              <th scope="col">Agreement</th>
              <th scope="col">Agencies that signed</th>
            </tr>
          </thead>
          <tbody>
            {p.tools.map((t) => (
              <tr>
                <th scope="row" data-label="Tool">
                  <a href={`/library/tools/${t.slug}`} safe>
                    {t.name}
                  </a>
                </th>
                <td data-label="What it is" safe>
                  {t.description ?? ''}
                </td>
                {categories ? (
                  <td data-label="Category" safe>
                    {t.category ?? ''}
                  </td>
                ) : (
                  ''
                )}
                <td data-label="Agreement">{t.status ? AGREEMENT_STATUS_TEXT[t.status] : 'None'}</td>
                <td data-label="Agencies that signed" safe>
                  {String(t.adoptions)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No tools yet. An operator can import the digital.gov list with socialgov library import termsofservice.yml.</p>
      )}
      <h2>Agency points of contact</h2>
      {p.contacts.length ? (
        <div class="sg-table-scroll" role="region" aria-label="Agency points of contact" tabindex="0">
          <table class="usa-table">
            <caption>Who to ask about terms-of-service agreements at each agency</caption>
            <thead>
              <tr>
                <th scope="col">Agency</th>
                <th scope="col">Type</th>
                <th scope="col">Person</th>
                <th scope="col">Email</th>
              </tr>
            </thead>
            <tbody>
              {p.contacts.map((c) => (
                <tr>
                  <th scope="row" safe>
                    {c.agency}
                  </th>
                  <td>{c.kind === 'cabinet' ? 'Cabinet agency' : 'Non-cabinet agency'}</td>
                  <td safe>{c.title ? `${c.person}, ${c.title}` : c.person}</td>
                  <td>
                    {c.email ? (
                      <a href={`mailto:${c.email}`} safe>
                        {c.email}
                      </a>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No points of contact yet.</p>
      )}
    </Page>,
  );
}

function DocumentLink({ url, fileId, fileName, label }: { url: string | null; fileId: number | null; fileName?: string | null; label: string }) {
  if (fileId !== null) return <a href={`/library/tools/files/${fileId}`} safe>{`${label} (${fileName ?? 'uploaded file'})`}</a>;
  if (url)
    return (
      <a href={url} safe>
        {label}
      </a>
    );
  return <span>No document</span>;
}

export interface AdoptionFormValues {
  agency: string;
  signedOn: string;
  documentUrl: string;
  contactName: string;
  contactEmail: string;
}

export interface ToolPageProps {
  site: Site;
  tool: Tool;
  csrf?: string;
  /** The viewer may record adoptions (signed in, member of a community). */
  canRecord: boolean;
  /** The viewer may change agreement status (a library editor). */
  canManage: boolean;
  /** The agency the .gov registry lists for the viewer's address: what the adoption form offers. */
  ownAgency?: string;
  notice?: string;
  adoption?: { agreementId: number; values: AdoptionFormValues; errors: FieldErrors };
  status?: { agreementId: number; errors: FieldErrors; values: { status: string; changedOn: string; note: string } };
  evaluation?: { errors: FieldErrors; value: string };
}

/** One agreement; only the current (newest) one carries the forms, so field ids stay unique on the page. */
function AgreementSection({ a, p, current }: { a: Agreement; p: ToolPageProps; current: boolean }) {
  const adoption = p.adoption?.agreementId === a.id ? p.adoption : undefined;
  const av = adoption?.values ?? { agency: p.ownAgency ?? '', signedOn: '', documentUrl: '', contactName: '', contactEmail: '' };
  const ae = adoption?.errors ?? {};
  const status = p.status?.agreementId === a.id ? p.status : undefined;
  const sv = status?.values ?? { status: a.status, changedOn: '', note: '' };
  const se = status?.errors ?? {};
  const id = `agreement-${a.id}`;
  return (
    <section aria-labelledby={id} class="margin-top-4">
      <h2 id={id}>{current ? 'Terms-of-service agreement' : 'Earlier agreement'}</h2>
      <ul class="usa-list">
        <li>
          Status: <strong safe>{AGREEMENT_STATUS_TEXT[a.status]}</strong>
        </li>
        <li>
          Document:{' '}
          <DocumentLink
            url={a.documentUrl}
            fileId={a.documentFileId}
            fileName={a.documentFileName}
            label={a.docType ? `The agreement (${DOC_TYPE_TEXT[a.docType]})` : 'The agreement'}
          />
        </li>
        <li safe>{`Dated: ${a.date ? formatDay(a.date) : 'not known'}${a.dateText ? ` (written as “${a.dateText}”)` : ''}`}</li>
      </ul>
      <h3>Status history</h3>
      <ol class="usa-list">
        {a.history.map((h) => (
          <li
            safe
          >{`${formatDay(h.changedOn)}: ${AGREEMENT_STATUS_TEXT[h.status as keyof typeof AGREEMENT_STATUS_TEXT] ?? h.status}, recorded by ${p.canManage ? h.changedBy : recorderRole(h.changedBy)}${h.note ? ` (${h.note})` : ''}`}</li>
        ))}
      </ol>
      <h3>Agencies that signed it</h3>
      {a.adoptions.length ? (
        <div class="sg-table-scroll" role="region" aria-label={`Agencies that signed the agreement`} tabindex="0">
          <table class="usa-table">
            <thead>
              <tr>
                <th scope="col">Agency</th>
                <th scope="col">Signed</th>
                <th scope="col">Point of contact</th>
                <th scope="col">Signed document</th>
              </tr>
            </thead>
            <tbody>
              {a.adoptions.map((d) => (
                <tr>
                  <th scope="row" safe>
                    {d.agency}
                  </th>
                  <td safe>{formatDay(d.signedOn)}</td>
                  <td>
                    <span safe>{d.contactName}</span> (
                    <a href={`mailto:${d.contactEmail}`} safe>
                      {d.contactEmail}
                    </a>
                    )
                  </td>
                  <td>
                    <DocumentLink url={d.documentUrl} fileId={d.documentFileId} label="Document" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>No agency has recorded signing this agreement here yet.</p>
      )}
      {p.csrf && p.canRecord && current ? (
        <form
          class="usa-form usa-form--large"
          method="post"
          action={`/library/tools/${p.tool.slug}/agreements/${a.id}/adoptions`}
          enctype="multipart/form-data"
          novalidate
        >
          <h3>Record that your agency signed it</h3>
          <ErrorSummary errors={ae} />
          <CsrfField token={p.csrf} />
          <TextField
            name="agency"
            label="Agency"
            hint="Your agency, as the .gov registry lists your email address’s domain (editors can record any agency)."
            value={av.agency}
            error={ae.agency}
            required
          />
          <TextField name="signedOn" label="Date signed" hint="For example 2024-03-15." value={av.signedOn} error={ae.signedOn} required />
          <TextField name="contactName" label="Point of contact's name" value={av.contactName} error={ae.contactName} required />
          <TextField
            name="contactEmail"
            label="Point of contact's email"
            value={av.contactEmail}
            error={ae.contactEmail}
            type="email"
            required
            maxlength={320}
          />
          <TextField
            name="documentUrl"
            label="Link to the signed document"
            hint="Starting with https://. Or upload the file below."
            value={av.documentUrl}
            error={ae.documentUrl}
            maxlength={500}
          />
          <DocumentUpload label="Signed document" error={ae.document} />
          <button class="usa-button" type="submit">
            Record the adoption
          </button>
        </form>
      ) : !p.csrf ? (
        <p>
          <a href={`/signin?next=/library/tools/${p.tool.slug}`}>Sign in</a> to record that your agency signed this agreement.
        </p>
      ) : (
        ''
      )}
      {p.csrf && p.canManage && current ? (
        <form class="usa-form usa-form--large" method="post" action={`/library/tools/${p.tool.slug}/agreements/${a.id}/status`} novalidate>
          <h3>Change the status</h3>
          <ErrorSummary errors={se} ids={{ changedOn: 'status-changed-on', note: 'status-note' }} />
          <CsrfField token={p.csrf} />
          <SelectField
            name="status"
            id={`status-${a.id}`}
            label="New status"
            required
            value={sv.status}
            options={AGREEMENT_STATUSES.map((s) => ({ value: s, label: AGREEMENT_STATUS_TEXT[s] }))}
          />
          <TextField
            name="changedOn"
            id="status-changed-on"
            label="Date of the change"
            hint="For example 2024-03-15. Left blank: today."
            value={sv.changedOn}
            error={se.changedOn}
          />
          <TextField name="note" id="status-note" label="Note" value={sv.note} error={se.note} />
          <button class="usa-button usa-button--outline" type="submit">
            Change the status
          </button>
        </form>
      ) : (
        ''
      )}
    </section>
  );
}

export function ToolPage(p: ToolPageProps): string {
  const t = p.tool;
  return toHtml(
    <Page site={p.site} title={t.name} section="library" breadcrumbs={[...CRUMBS, { href: '/library/tools', label: 'Shared tools' }, { label: t.name }]}>
      <SuccessNotice text={p.notice} />
      <h1 safe>{t.name}</h1>
      {t.description ? (
        <p class="usa-intro" safe>
          {t.description}
        </p>
      ) : (
        ''
      )}
      {t.vendorUrl ? (
        <p>
          Vendor:{' '}
          <a href={t.vendorUrl} safe>
            {t.vendorUrl}
          </a>
        </p>
      ) : (
        ''
      )}
      {t.category ? <p safe>{`Category: ${t.category}`}</p> : ''}
      {p.csrf && p.canManage ? (
        <p>
          <a href={`/library/tools/${t.slug}/edit`}>Edit the tool’s details</a>
        </p>
      ) : (
        ''
      )}
      {t.agreements.map((a, i) => (
        <AgreementSection a={a} p={p} current={i === 0} />
      ))}
      <section aria-labelledby="evaluations" class="margin-top-4">
        <h2 id="evaluations">Evaluation notes from members</h2>
        {t.evaluations.length ? (
          t.evaluations.map((e) => {
            const safeNote = renderLibraryMarkdown(e.note);
            return (
              <div class="margin-bottom-3">
                <p class="text-bold margin-bottom-05" safe>{`${e.authorName}, ${formatDay(e.createdAt)}`}</p>
                <div class="usa-prose">{safeNote}</div>
              </div>
            );
          })
        ) : (
          <p>No notes yet.</p>
        )}
        {p.csrf && p.canRecord ? (
          <form class="usa-form usa-form--large" method="post" action={`/library/tools/${t.slug}/evaluations`} novalidate>
            <ErrorSummary errors={p.evaluation?.errors ?? {}} />
            <CsrfField token={p.csrf} />
            <TextArea
              name="note"
              label="Your evaluation"
              hint="What you tried, what worked, what to watch for. Markdown is allowed."
              value={p.evaluation?.value ?? ''}
              error={p.evaluation?.errors.note}
              rows={5}
              maxlength={5000}
              required
            />
            <button class="usa-button usa-button--outline" type="submit">
              Add your note
            </button>
          </form>
        ) : (
          ''
        )}
      </section>
    </Page>,
  );
}

export interface ToolFormValues {
  name: string;
  vendorUrl: string;
  description: string;
  category: string;
  status: string;
  docType: string;
  documentUrl: string;
  date: string;
}

/** Add a tool (with its first agreement), or edit a tool's details (`editing` = its slug). */
export function ToolFormPage(p: { site: Site; csrf: string; values: ToolFormValues; errors?: FieldErrors; editing?: { slug: string; name: string } }): string {
  const e = p.errors ?? {};
  const v = p.values;
  const title = p.editing ? `Edit ${p.editing.name}` : 'Add a tool';
  return toHtml(
    <Page site={p.site} title={title} section="library" breadcrumbs={[...CRUMBS, { href: '/library/tools', label: 'Shared tools' }, { label: title }]}>
      <h1 safe>{title}</h1>
      <ErrorSummary errors={e} />
      <form
        class="usa-form usa-form--large"
        method="post"
        action={p.editing ? `/library/tools/${p.editing.slug}/edit` : '/library/tools/new'}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Name of the tool" value={v.name} error={e.name} required />
        <TextField name="vendorUrl" label="Vendor's website" hint="Starting with https://" value={v.vendorUrl} error={e.vendorUrl} maxlength={500} />
        <TextField name="description" label="What it is" hint="For example: Video sharing." value={v.description} error={e.description} maxlength={500} />
        <TextField name="category" label="Category" hint="For example: Social network, Survey, Mobile app store." value={v.category} error={e.category} />
        {p.editing ? (
          ''
        ) : (
          <fieldset class="usa-fieldset">
            <legend class="usa-legend usa-legend--large">The agreement</legend>
            <SelectField name="status" label="Status" value={v.status} options={choicesOf(AGREEMENT_STATUSES, AGREEMENT_STATUS_TEXT)} required />
            <SelectField
              name="docType"
              label="Kind of document"
              value={v.docType}
              error={e.docType}
              options={[{ value: '', label: 'Not known' }, ...choicesOf(DOC_TYPES, DOC_TYPE_TEXT)]}
              required
            />
            <TextField
              name="documentUrl"
              label="Link to the agreement"
              hint="Starting with https://. Or upload the file below."
              value={v.documentUrl}
              error={e.documentUrl}
              maxlength={500}
            />
            <DocumentUpload label="Agreement document" error={e.document} />
            <TextField name="date" label="Date of the agreement" hint="For example 2024-03-15." value={v.date} error={e.date} />
          </fieldset>
        )}
        <button class="usa-button" type="submit">
          {p.editing ? 'Save the details' : 'Add the tool'}
        </button>
      </form>
    </Page>,
  );
}
