// ASCII folding tables for Latin letters with diacritics (internal to geo/).
#ifndef STCLUSTER_GEO_FOLD_TABLE_H_
#define STCLUSTER_GEO_FOLD_TABLE_H_

namespace stc::geo {

// Lowercase ASCII replacement of code points U+00C0..U+024F (Latin-1
// Supplement letters, Latin Extended-A and -B); nullptr = not a letter.
extern const char* const kFoldLatin[400];
// The same for U+1E00..U+1EFF (Latin Extended Additional: Vietnamese...).
extern const char* const kFoldLatinAdditional[256];

}  // namespace stc::geo

#endif  // STCLUSTER_GEO_FOLD_TABLE_H_
