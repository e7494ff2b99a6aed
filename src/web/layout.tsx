/**
 * The page frame every HTML page shares: U.S. Web Design System banner, header, footer and skip
 * link. Every page works without JavaScript: noscript.css opens the banner and shows the menu
 * that USWDS's script would otherwise toggle.
 */
import Html from '@kitajs/html';

export const USWDS = '/assets/uswds';
export const SITE_ASSETS = '/assets/site';
/**
 * Where the static files are served: they answer the same whoever asks, so their routes are
 * marked `anonymous` as they are added (server.ts) and no request for them reads the session.
 */
export const ANONYMOUS_PREFIXES = [USWDS, SITE_ASSETS];

export interface Viewer {
  name: string | null;
  email: string;
}

/** The USWDS identifier in the footer: who runs the site, and the links a federal site must carry. */
export interface Identifier {
  /** The site's domain (from PUBLIC_URL). */
  domain?: string;
  agency?: { name: string; url?: string };
  /** The required links this install has; those not set are left out. USA.gov is always shown. */
  links: { about?: string; accessibility?: string; foia?: string; noFear?: string; privacy?: string };
}

export interface Site {
  name: string;
  /** The signed-in member, if any. */
  viewer?: Viewer;
  identifier?: Identifier;
}

export type Section = 'home' | 'communities' | 'events' | 'library' | 'registry' | 'api' | 'account';

export interface Crumb {
  href?: string;
  label: string;
}

export interface PageProps {
  site: Site;
  title: string;
  section?: Section;
  description?: string;
  breadcrumbs?: Crumb[];
  /** Scripts of this page (file names in src/web/assets), loaded after USWDS's; the page works without them. */
  scripts?: string[];
  children?: Html.Children;
}

const NAV: Array<{ section: Section; href: string; label: string }> = [
  { section: 'communities', href: '/communities', label: 'Communities' },
  { section: 'events', href: '/events', label: 'Events' },
  { section: 'registry', href: '/registry', label: 'Official accounts' },
  { section: 'library', href: '/library', label: 'Library' },
  { section: 'api', href: '/api/docs', label: 'API' },
];

function Banner() {
  return (
    <section class="usa-banner" aria-label="Official website of the United States government">
      <div class="usa-accordion">
        <header class="usa-banner__header">
          <div class="usa-banner__inner">
            <div class="grid-col-auto">
              <img aria-hidden="true" class="usa-banner__header-flag" src={`${USWDS}/img/us_flag_small.png`} alt="" />
            </div>
            <div class="grid-col-fill tablet:grid-col-auto" aria-hidden="true">
              <p class="usa-banner__header-text">An official website of the United States government</p>
              <p class="usa-banner__header-action">Here’s how you know</p>
            </div>
            <button type="button" class="usa-accordion__button usa-banner__button" aria-expanded="false" aria-controls="gov-banner">
              <span class="usa-banner__button-text">Here’s how you know</span>
            </button>
          </div>
        </header>
        <div class="usa-banner__content usa-accordion__content" id="gov-banner" hidden>
          <div class="grid-row grid-gap-lg">
            <div class="usa-banner__guidance tablet:grid-col-6">
              <img class="usa-banner__icon usa-media-block__img" src={`${USWDS}/img/icon-dot-gov.svg`} role="img" alt="" aria-hidden="true" />
              <div class="usa-media-block__body">
                <p>
                  <strong>Official websites use .gov</strong>
                  <br />A <strong>.gov</strong> website belongs to an official government organization in the United States.
                </p>
              </div>
            </div>
            <div class="usa-banner__guidance tablet:grid-col-6">
              <img class="usa-banner__icon usa-media-block__img" src={`${USWDS}/img/icon-https.svg`} role="img" alt="" aria-hidden="true" />
              <div class="usa-media-block__body">
                <p>
                  <strong>Secure .gov websites use HTTPS</strong>
                  <br />A <strong>lock</strong> or <strong>https://</strong> means you’ve safely connected to the .gov website. Share sensitive information only
                  on official, secure websites.
                </p>
              </div>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

function Header({ site, section }: { site: Site; section: Section | undefined }) {
  return (
    <>
      <header class="usa-header usa-header--basic">
        <div class="usa-nav-container">
          <div class="usa-navbar">
            <div class="usa-logo">
              <em class="usa-logo__text">
                <a href="/" title="Home" safe>
                  {site.name}
                </a>
              </em>
            </div>
            <button type="button" class="usa-menu-btn">
              Menu
            </button>
          </div>
          <nav aria-label="Primary navigation" class="usa-nav">
            <button type="button" class="usa-nav__close">
              <img src={`${USWDS}/img/usa-icons/close.svg`} role="img" alt="Close" />
            </button>
            <ul class="usa-nav__primary usa-accordion">
              {[
                ...NAV,
                site.viewer
                  ? { section: 'account' as const, href: '/account', label: 'Your account' }
                  : { section: 'account' as const, href: '/signin', label: 'Sign in' },
              ].map((n) => (
                <li class="usa-nav__primary-item">
                  <a
                    href={n.href}
                    class={n.section === section ? 'usa-nav-link usa-current' : 'usa-nav-link'}
                    aria-current={n.section === section ? 'page' : undefined}
                  >
                    <span safe>{n.label}</span>
                  </a>
                </li>
              ))}
            </ul>
            <section aria-label="Search this site">
              <SiteSearchForm id="site-search" label="Search communities, events, the library and list archives" />
            </section>
          </nav>
        </div>
      </header>
      <div class="usa-overlay"></div>
    </>
  );
}

const FOOTER_NAV: Array<{ href: string; label: string }> = [
  { href: '/communities', label: 'Communities of practice' },
  { href: '/events', label: 'Events' },
  { href: '/library', label: 'Library' },
  { href: '/search', label: 'Search' },
  { href: '/api/docs', label: 'API documentation' },
];

function Footer({ site }: { site: Site }) {
  return (
    <footer class="usa-footer usa-footer--slim">
      <div class="grid-container usa-footer__return-to-top">
        <a href="#top">Return to top</a>
      </div>
      <div class="usa-footer__primary-section">
        <div class="usa-footer__primary-container grid-row">
          <div class="mobile-lg:grid-col-12">
            <nav class="usa-footer__nav" aria-label="Footer navigation">
              <ul class="grid-row grid-gap sg-footer-links">
                {FOOTER_NAV.map((n) => (
                  <li class="mobile-lg:grid-col-6 desktop:grid-col-auto usa-footer__primary-content">
                    <a class="usa-footer__primary-link" href={n.href} safe>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      </div>
      <div class="usa-footer__secondary-section">
        <div class="grid-container">
          <p class="margin-0">
            <span safe>{site.name}</span> runs on socialgov, open-source software for government communities of practice.
          </p>
        </div>
      </div>
      <SiteIdentifier site={site} />
    </footer>
  );
}

const REQUIRED_LINKS: Array<{ key: keyof Identifier['links']; label: (agency: string | undefined) => string }> = [
  { key: 'about', label: (agency) => (agency ? `About ${agency}` : 'About us') },
  { key: 'accessibility', label: () => 'Accessibility statement' },
  { key: 'foia', label: () => 'FOIA requests' },
  { key: 'noFear', label: () => 'No FEAR Act data' },
  { key: 'privacy', label: () => 'Privacy policy' },
];

/** The USWDS identifier: the site's domain and agency, the required links this install set, and USA.gov. */
function SiteIdentifier({ site }: { site: Site }) {
  const id = site.identifier ?? { links: {} };
  const links = REQUIRED_LINKS.filter((l) => id.links[l.key]);
  return (
    <div class="usa-identifier">
      {id.domain || id.agency ? (
        <section class="usa-identifier__section usa-identifier__section--masthead" aria-label="Agency identifier">
          <div class="usa-identifier__container">
            <section class="usa-identifier__identity" aria-label="Agency description">
              {id.domain ? (
                <p class="usa-identifier__identity-domain" safe>
                  {id.domain}
                </p>
              ) : (
                ''
              )}
              {id.agency ? (
                <p class="usa-identifier__identity-disclaimer">
                  An official website of the{' '}
                  {id.agency.url ? (
                    <a href={id.agency.url} safe>
                      {id.agency.name}
                    </a>
                  ) : (
                    <span safe>{id.agency.name}</span>
                  )}
                </p>
              ) : (
                ''
              )}
            </section>
          </div>
        </section>
      ) : (
        ''
      )}
      {links.length ? (
        <nav class="usa-identifier__section usa-identifier__section--required-links" aria-label="Important links">
          <div class="usa-identifier__container">
            <ul class="usa-identifier__required-links-list">
              {links.map((l) => (
                <li class="usa-identifier__required-links-item">
                  <a href={id.links[l.key]!} class="usa-identifier__required-link usa-link" safe>
                    {l.label(id.agency?.name)}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      ) : (
        ''
      )}
      <section class="usa-identifier__section usa-identifier__section--usagov" aria-label="U.S. government information and services">
        <div class="usa-identifier__container">
          <div class="usa-identifier__usagov-description">Looking for U.S. government information and services?</div>{' '}
          <a href="https://www.usa.gov/" class="usa-link">
            Visit USA.gov
          </a>
        </div>
      </section>
    </div>
  );
}

/**
 * A small USWDS search form. The button keeps its word "Search" at every width (site.css): USWDS
 * would swap it for an icon on narrow screens, and a word needs no image to load.
 */
export function SiteSearchForm(p: { id: string; label: string; action?: string; value?: string; name?: string; class?: string }) {
  return (
    <form class={`usa-search usa-search--small${p.class ? ` ${p.class}` : ''}`} role="search" action={p.action ?? '/search'} method="get">
      <label class="usa-sr-only" for={p.id} safe>
        {p.label}
      </label>
      <input class="usa-input" id={p.id} type="search" name={p.name ?? 'q'} value={p.value ?? ''} />
      <button class="usa-button" type="submit">
        <span class="usa-search__submit-text">Search</span>
      </button>
    </form>
  );
}

function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  return (
    <nav class="usa-breadcrumb" aria-label="Breadcrumbs">
      <ol class="usa-breadcrumb__list">
        {crumbs.map((c) =>
          c.href ? (
            <li class="usa-breadcrumb__list-item">
              <a href={c.href} class="usa-breadcrumb__link">
                <span safe>{c.label}</span>
              </a>
            </li>
          ) : (
            <li class="usa-breadcrumb__list-item usa-current" aria-current="page">
              <span safe>{c.label}</span>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}

/** Our pages use no async components, so a rendered element is always a string. */
export function toHtml(el: JSX.Element): string {
  if (typeof el !== 'string') throw new Error('A page rendered asynchronously; socialgov pages must render synchronously.');
  return el;
}

/** A whole HTML document. */
export function Page(props: PageProps): string {
  const title = props.title === props.site.name ? props.site.name : `${props.title} | ${props.site.name}`;
  const safeBody = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title safe>{title}</title>
        {props.description ? <meta name="description" content={props.description} /> : ''}
        <link rel="stylesheet" href={`${USWDS}/css/uswds.min.css`} />
        <link rel="stylesheet" href={`${SITE_ASSETS}/site.css`} />
        <noscript>
          <link rel="stylesheet" href={`${SITE_ASSETS}/noscript.css`} />
        </noscript>
        <script src={`${USWDS}/js/uswds-init.min.js`}></script>
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">
          Skip to main content
        </a>
        <div id="top"></div>
        <Banner />
        <Header site={props.site} section={props.section} />
        <main id="main-content" class="grid-container padding-bottom-6">
          {props.breadcrumbs ? <Breadcrumbs crumbs={props.breadcrumbs} /> : ''}
          {props.children as 'safe'}
        </main>
        <Footer site={props.site} />
        <script src={`${USWDS}/js/uswds.min.js`}></script>
        {(props.scripts ?? []).map((file) => (
          <script src={`${SITE_ASSETS}/${file}`}></script>
        ))}
      </body>
    </html>
  );
  return '<!doctype html>' + (safeBody as string);
}
