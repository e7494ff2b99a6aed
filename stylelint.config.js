// Lint for the site's own stylesheets (npm run lint): stylelint's recommended rules catch what a
// browser silently forgives, such as a block that is never closed (every rule after it is dead),
// unknown properties and duplicate selectors. Class names follow USWDS (usa-block__element), so
// no naming pattern is enforced.
export default {
  extends: ['stylelint-config-recommended'],
};
