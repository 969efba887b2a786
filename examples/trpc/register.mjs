// node --import ./register.mjs alice.mjs: lets these plain files import packages by name.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url);
