/**
 * Dark, light or the system's choice. The choice lives in localStorage under THEME_KEY; an
 * inline script in app.html applies it before the first paint (no flash), this class keeps it
 * in step afterwards. "system" leaves <html> without data-theme, so prefers-color-scheme rules.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Also read by the inline script in src/app.html: keep both in step. */
export const THEME_KEY = 'maestro-theme';

export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export class Theme {
  choice = $state<ThemeChoice>(stored());

  set(choice: ThemeChoice): void {
    this.choice = choice;
    const root = document.documentElement;
    try {
      if (choice === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, choice);
    } catch {
      // Storage is off (private mode): the choice holds for this page only.
    }
    if (choice === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = choice;
  }
}
