/** A small digital.gov-shaped library for tests (same layout as the real checkout), and helpers to sign people in. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { changeMembership, ensureMember, type Role } from '../src/membership/members.ts';
import { combineRegistryFiles, importRegistry, parseRegistryFile } from '../src/membership/gov-registry.ts';
import { SYSTEM } from '../src/platform/audit.ts';
import { linkIn, type MailSink } from './mail-sink.ts';
import { hidden, WebClient } from './web-client.ts';

export const LIBRARY_FILES: Record<string, string> = {
  'content/news/2024/01/2024-01-10-posting-during-a-crisis.md': `---
slug: posting-during-a-crisis
date: 2024-01-10 09:00:00 -0500
title: "Posting during a crisis"
summary: "How agencies keep social media accurate when an emergency unfolds."
authors:
  - jherman
topics:
  - social-media
---

{{< legacy-img src="2024/01/phone.jpg" alt="A phone showing an emergency alert" >}}

## Plan ahead

Write holding statements before you need them.

| Step | Who |
|---|---|
| Draft | Social media team |
| Approve | Public affairs |
`,
  'content/guides/public-participation/_index.md': `---
date: 2020-09-08 09:00:00 -0500
title: "U.S. public participation playbook"
deck: "Build better services through public participation"
summary: "A resource for government managers to build better services through public participation."
guide: public-participation
---

## What is the playbook?

A resource for government managers.
`,
  'content/guides/public-participation/understand.md': `---
title: "Understand the playing field"
summary: "Learn how to understand and empower your participants."
guide: public-participation
---

## Play 2: Understand your participants

### Checklist

- Create personas of your target participants.
`,
  'content/guides/public-participation/establish-goals.md': `---
title: "Establish goals"
summary: "Learn how to clearly define and communicate your objectives."
guide: public-participation
---

## Play 1: Clearly define your objectives

### Checklist

- Identify what goal(s) you aim to achieve.
`,
  'content/topics/social-media/_index.md': `---
slug: "social-media"
title: "Social media"
deck: "Use social media to effectively communicate with your audience."
summary: "By using social media, agencies can strengthen their connection with the public."
featured_communities:
  - "social-media"
---
`,
  'content/authors/jherman/_index.md': `---
display_name: "Justin Herman"
slug: jherman
agency_full_name: "U.S. General Services Administration"
---
`,
  'data/termsofservice.yml': `termsofservice:
  - name          : Amazon Appstore
    url           : https://developer.amazon.com/public/
    description   : Mobile app store
    uri           : '2014/07/amazon-appstore-agreements-tos-amendment.pdf'
    type          : 'PDF'
    updated       : 07-2014
    status        :

  - name          : "AddThis"
    url           : 'http://www.addthis.com/'
    description   : 'Bookmarking & sharing. Closed down May 31, 2023.'
    uri           : '2014/07/addthis-updated-tos-amendment.pdf'
    type          : 'PDF'
    updated       : 05-23-2018
    status        : inactive
`,
  'data/termsofservicepoc.yml': `cabinet:
  - person        : Peter Rhee
    email         : peter.rhee@oc.usda.gov
    title         :
    agency        : Agriculture (USDA)
noncabinet:
  - person        : Pat Doe
    email         : pat.doe@gsa.gov
    title         :
    agency        : General Services Administration
`,
};

/** Write the fixture under `dir`; returns the folders and files to import. */
export function writeLibraryFixture(dir: string): string[] {
  for (const [rel, text] of Object.entries(LIBRARY_FILES)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return ['content', 'data/termsofservice.yml', 'data/termsofservicepoc.yml'].map((p) => path.join(dir, p));
}

/** Make someone an active member of a community (as `socialgov members add` does). */
export async function addMember(pool: pg.Pool, community: string, m: { email: string; name: string; agency?: string; role?: Role }): Promise<number> {
  const c = await pool.query<{ id: number }>('select id from communities where slug = $1', [community]);
  const member = await ensureMember(pool, { email: m.email, name: m.name, agency: m.agency ?? null });
  await changeMembership(pool, SYSTEM, {
    communityId: Number(c.rows[0]!.id),
    memberId: member.id,
    status: 'active',
    role: m.role ?? 'member',
    source: 'cli',
    action: 'member.add',
  });
  return member.id;
}

/** Import a .gov registry holding these federal domains and their agencies (as `socialgov agencies import` does). */
export async function importGovDomains(pool: pg.Pool, domains: Array<[domain: string, agency: string]>): Promise<void> {
  const csv = [
    'Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email',
    ...domains.map(([d, a]) => `${d},Federal - Executive,${a},,Washington,DC,`),
  ].join('\n');
  const parsed = parseRegistryFile(csv);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  await importRegistry(pool, combineRegistryFiles([{ file: 'current-full.csv', kind: parsed.kind, rows: parsed.rows }]), { actor: SYSTEM });
}

/** Sign in through the real sign-in form and mailed link. */
export async function signIn(base: string, sink: MailSink, email: string): Promise<WebClient> {
  const client = new WebClient(base);
  await client.submit('/signin', '/signin', { email });
  const page = await client.get(linkIn(await sink.next(email), `${base}/signin/confirm?token=`));
  const res = await client.request('POST', '/signin/confirm', { _csrf: hidden(page.text, '_csrf'), token: hidden(page.text, 'token') });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  return client;
}
