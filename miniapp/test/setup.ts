import { configure } from '@testing-library/react';

// findBy*/waitFor default to 1 s: the first render of a page in a suite (modules compiled on first use) can take longer
// on a loaded CI machine, which failed tests that wait for a page's data. The assertions are unchanged; only the wait.
configure({ asyncUtilTimeout: 5_000 });
