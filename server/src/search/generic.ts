// The background view of the related gate: words of general and scientific English that any
// field's prose uses ("model", "step", "function", "useful", "provides"), so a passage sharing
// them with a paper says nothing about a shared topic. A library of one field sees some of them
// rarely (an ML library has few "estimation" or "scenarios"), and its statistics alone would
// call them informative; this list says what they are in prose at large. Written for LitLens
// (not taken from a frequency list); words are stemmed as the index stems them.
import { stem } from './text';

const WORDS = (
  // doing research: verbs
  'use used using uses usage apply applied applies applying application applications applicable applicability ' +
  'provide provides provided providing include includes included including contain contains contained ' +
  'involve involves involved perform performs performed performing performance ' +
  'compute computes computed computing computation computations computational calculate calculated calculation calculations ' +
  'define defines defined defining definition describe describes described description present presents presented ' +
  'show shows shown showed illustrate illustrates illustrated ' +
  'propose proposes proposed introduce introduces introduced introducing introduction develop develops developed development ' +
  'design designs designed implement implements implemented implementing implementation implementations ' +
  'create creates created creating build builds built building construct constructed ' +
  'obtain obtains obtained obtaining achieve achieves achieved allow allows allowed allowing enable enables enabled enabling ' +
  'require requires required requiring requirement requirements consider considers considered considering ' +
  'evaluate evaluates evaluated evaluating evaluation assess assessed assessment compare compares compared comparing comparison comparisons ' +
  'analyse analyze analyzes analyzed analyzing analysis analyses study studies studied investigate investigated ' +
  'improve improves improved improving improvement increase increases increased decrease reduce reduces reduced reduction ' +
  'support supports supported supporting handle handles handled handling treat treats treated treatment ' +
  'call calls called return returns returned returning give gives given giving take takes taken make makes made making ' +
  'find finds found finding findings follow follows followed following need needs needed set sets setting settings ' +
  'extend extends extended extension extensions depend depends dependent independent independently represent represents represented representing ' +
  'relate related relates relation relations relationship relationships refer refers referred reference references ' +
  'estimate estimates estimated estimating estimation measure measures measured measuring measurement measurements ' +
  'specify specified specifying specification choose chosen choice choices select selected selecting selection ' +
  'assume assumes assumed assuming assumption assumptions discuss discussed discussion explain explained ' +
  'offer offers offered add adds added adding addition additional additionally combine combined combination ' +
  'identify identified determine determined produce produces produced process processes processed processing ' +
  'solve solves solved solving solution solutions test tests tested testing run runs running ran ' +
  'work works worked working operate operates operation operations ' +
  'change changes changed vary varies varying variation variations focus focused focuses aim aims aimed ' +
  'address addresses addressed report reports reported note notes noted known know see seen ' +
  // things in general
  'model models modeling modelling modeled method methods methodology approach approaches technique techniques ' +
  'tool tools toolkit framework frameworks system systems package packages library libraries software code ' +
  'function functions functional functionality functionalities feature features component components module modules ' +
  'step steps stage stages phase phases part parts piece element elements unit units item items ' +
  'example examples instance instances case cases type types kind kinds class classes form forms ' +
  'value values valued number numbers amount quantity quantities size sizes scale scales scaling level levels ' +
  'order range ranges limit limits limited limitation limitations bound bounds ' +
  'problem problems issue issues question questions task tasks goal goals objective objectives purpose ' +
  'result results outcome outcomes effect effects impact impacts benefit benefits advantage advantages ' +
  'data dataset datasets information input inputs output outputs source sources ' +
  'time times period periods point points area areas region regions field fields domain domains ' +
  'structure structures property properties quality qualities aspect aspects ' +
  'parameter parameters variable variables option options state states ' +
  'user users people researcher researchers author authors reader readers ' +
  'paper papers article articles work chapter section sections appendix table tables figure figures ' +
  'context contexts detail details overview summary review survey surveys literature ' +
  'way ways manner means mean procedure procedures strategy strategies scheme schemes ' +
  'practice practices principle principles concept concepts idea ideas theory theories ' +
  'product products version versions interface interfaces ' +
  'error errors cost costs effort efficiency efficient effective effectively accuracy accurate ' +
  'scenario scenarios situation situations environment environments setup ' +
  'group groups set collection collections series sequence sequences list lists ' +
  'object objects entity entities target targets ' +
  'end beginning start line lines side top bottom ' +
  // qualities and quantities
  'useful usefully important importance possible possibly potential potentially powerful ' +
  'different difference differences same various several many multiple single ' +
  'large larger largest small smaller smallest high higher highest low lower lowest ' +
  'new novel recent recently current currently existing previous previously ' +
  'first second third one two three four five ten hundred thousand million ' +
  'common commonly standard typical typically specific specifically particular particularly ' +
  'simple simply complex complexity basic basically main major minor key core central ' +
  'real true false full fully whole total ' +
  'fast faster slow easy easily hard difficult direct directly explicit explicitly ' +
  'available widely wide broad rich flexible flexibility reliable ' +
  'able ability capable capability capabilities ' +
  'good better best well poor strong weak ' +
  'further furthermore moreover finally alternatively alternative alternatives also often usually ' +
  'able various respective respectively overall together ' +
  'certain clear clearly likely unlike like ' +
  'due based addition related even may maybe perhaps believe believed interesting interest appealing ' +
  'plan plans planned planning derive derives derived approximate approximately approximation underlying classical ' +
  'forward backward pass passes passed global globally space spaces ' +
  'aspect regard regarding respect terms term instead rather already still whereas although though ' +
  'know knowledge understand understanding help helps helped try tried attempt attempts ' +
  'today history historical year years day days'
).split(/\s+/);

// General science and mathematics: shared by every quantitative field, so weaker evidence of a
// shared topic than a field's own terms, yet not nothing ("stochastic", "matrix" in an ML paper).
const SCIENTIFIC = (
  'simulation simulations simulate simulated simulating ' +
  'equation equations numerical numerically mathematical mathematics algorithm algorithms algorithmic ' +
  'calculus formula formulas formulation quantitative statistic statistics statistical'
).split(/\s+/);

/** Stems of the background's generic words. */
export const GENERIC_STEMS: ReadonlySet<string> = new Set(WORDS.filter(Boolean).map(stem));
/** Stems of general scientific words. */
export const SCIENTIFIC_STEMS: ReadonlySet<string> = new Set(SCIENTIFIC.filter((w) => w && !GENERIC_STEMS.has(stem(w))).map(stem));
