#include "gen/world_data.h"

#include <cstring>

namespace stc::gen_internal {
namespace {

enum Country {
  kJP,
  kCN,
  kKR,
  kUS,
  kFR,
  kGB,
  kDE,
  kIN,
  kNL,
  kSE,
  kCH,
  kIL,
  kFI,
  kCA,
  kSG,
  kTW,
  kAU,
  kBR,
  kIT,
  kES,
  kDK,
  kFJ,
  kNumCountries
};

const CountryInfo kCountries[kNumCountries] = {
    {"JP",
     {"Tanaka", "Sato", "Suzuki", "Takahashi", "Watanabe", "Ito"},
     {"Taro", "Hiroshi", "Yuki", "Kenji", "Akiko", "Naoki"},
     {"Sony Group Corp", "Panasonic Holdings Corp", "Toyota Motor Corp"}},
    {"CN",
     {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang"},
     {"Wei", "Fang", "Jun", "Lei", "Xiaoming", "Jing"},
     {"Huawei Technologies Co Ltd", "ZTE Corp", "BOE Technology Group Co Ltd"}},
    {"KR",
     {"Kim", "Lee", "Park", "Choi", "Jung", "Kang"},
     {"Minjun", "Seoyeon", "Jiho", "Hyunwoo", "Jiwon", "Sungmin"},
     {"Samsung Electronics Co Ltd", "LG Electronics Inc", "Hyundai Motor Co"}},
    {"US",
     {"Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller"},
     {"James", "Mary", "Robert", "Jennifer", "Michael", "Linda"},
     {"Qualcomm Inc", "Apple Inc", "Intel Corp"}},
    {"FR",
     {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit"},
     {"Jean", "Marie", "Pierre", "Camille", "Luc", "Sophie"},
     {"Valeo", "L'Oréal", "Safran"}},
    {"GB",
     {"Jones", "Taylor", "Davies", "Evans", "Wilson", "Thompson"},
     {"Oliver", "Emma", "Harry", "Charlotte", "George", "Amelia"},
     {"Arm Ltd", "Rolls-Royce plc", "Dyson Technology Ltd"}},
    {"DE",
     {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer"},
     {"Thomas", "Anna", "Stefan", "Julia", "Andreas", "Katrin"},
     {"Siemens AG", "Robert Bosch GmbH", "BASF SE"}},
    {"IN",
     {"Sharma", "Patel", "Kumar", "Singh", "Reddy", "Iyer"},
     {"Rahul", "Priya", "Arjun", "Ananya", "Vikram", "Deepa"},
     {"Infosys Ltd", "Tata Consultancy Services Ltd", "Wipro Ltd"}},
    {"NL",
     {"De Jong", "Jansen", "De Vries", "Van Dijk", "Bakker", "Visser"},
     {"Daan", "Sanne", "Bram", "Lotte", "Joost", "Femke"},
     {"Koninklijke Philips NV", "ASML Netherlands BV", "Signify Holding BV"}},
    {"SE",
     {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson"},
     {"Erik", "Anna", "Lars", "Karin", "Johan", "Maria"},
     {"Telefonaktiebolaget LM Ericsson", "Volvo Lastvagnar AB", "SKF AB"}},
    {"CH",
     {"Meier", "Keller", "Brunner", "Baumann", "Gerber", "Frei"},
     {"Lukas", "Laura", "Simon", "Nina", "Marco", "Sarah"},
     {"Novartis AG", "F. Hoffmann-La Roche AG", "ABB Schweiz AG"}},
    {"IL",
     {"Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman"},
     {"Noam", "Yael", "Itai", "Maya", "Eitan", "Noa"},
     {"Mobileye Vision Technologies Ltd", "Teva Pharmaceutical Industries Ltd",
      "Elbit Systems Ltd"}},
    {"FI",
     {"Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine"},
     {"Mikko", "Aino", "Juha", "Elina", "Antti", "Sanna"},
     {"Nokia Technologies Oy", "Kone Corp", "Wärtsilä Finland Oy"}},
    {"CA",
     {"Tremblay", "Roy", "Gagnon", "Campbell", "Macdonald", "Leblanc"},
     {"Liam", "Olivia", "Noah", "Chloé", "Ethan", "Léa"},
     {"BlackBerry Ltd", "Bombardier Inc", "Shopify Inc"}},
    {"SG",
     {"Tan", "Lim", "Lee", "Ng", "Ong", "Wong"},
     {"Wei Ming", "Hui Ling", "Jun Jie", "Mei Ling", "Kai Xiang", "Shu Fen"},
     {"Razer Asia-Pacific Pte Ltd", "Agency for Science Technology and Research",
      "ST Engineering Ltd"}},
    {"TW",
     {"Chen", "Lin", "Huang", "Chang", "Li", "Wu"},
     {"Chih-Hao", "Yi-Ting", "Chia-Hung", "Pei-Shan", "Wen-Chieh", "Hsin-Yi"},
     {"Taiwan Semiconductor Manufacturing Co Ltd", "MediaTek Inc", "Foxconn Technology Co Ltd"}},
    {"AU",
     {"Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor"},
     {"Jack", "Olivia", "William", "Isla", "Thomas", "Mia"},
     {"Commonwealth Scientific and Industrial Research Organisation", "Cochlear Ltd",
      "ResMed Pty Ltd"}},
    {"BR",
     {"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira"},
     {"João", "Maria", "Pedro", "Ana", "Lucas", "Juliana"},
     {"Embraer SA", "Petróleo Brasileiro SA", "Natura Cosméticos SA"}},
    {"IT",
     {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"},
     {"Marco", "Giulia", "Luca", "Francesca", "Andrea", "Chiara"},
     {"Pirelli Tyre SpA", "STMicroelectronics Srl", "Leonardo SpA"}},
    {"ES",
     {"García", "Rodríguez", "González", "Fernández", "López", "Martínez"},
     {"Antonio", "María", "Manuel", "Carmen", "Javier", "Lucía"},
     {"Telefónica SA", "Indra Sistemas SA", "Grifols SA"}},
    {"DK",
     {"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen"},
     {"Mads", "Sofie", "Rasmus", "Ida", "Frederik", "Emma"},
     {"Novo Nordisk A/S", "Vestas Wind Systems A/S", "LEGO A/S"}},
    {"FJ",
     {"Naidu", "Kumar", "Tuivaga", "Ratu", "Prasad", "Singh"},
     {"Jone", "Mere", "Sanjay", "Litia", "Vilimone", "Asha"},
     {"Fiji Electricity Authority", "Pacific Fishing Co Ltd", "Fiji Sugar Corp Ltd"}},
};

// Coordinates are the cities' real centres. London and Taveuni (on the 180th
// meridian) make jittered points cross longitude 0 and +/-180.
const CityInfo kCities[] = {
    {"Tokyo", kJP, 3567620, 13965030, 60, "HHGGBAC", "17 22 31 25", "Minato-ku",
     "University of Tokyo"},
    {"Yokohama", kJP, 3544370, 13963800, 12, "BHGF", "22 25", "Nishi-ku",
     "Yokohama National University"},
    {"Kawasaki", kJP, 3553080, 13970290, 10, "HGH", "17 22", "Saiwai-ku", "Keio University"},
    {"Osaka", kJP, 3469370, 13550230, 20, "HACB", "27 13 16", "Kita-ku", "Osaka University"},
    {"Kyoto", kJP, 3501160, 13576810, 8, "GAC", "13 27 31", "Sakyo-ku", "Kyoto University"},
    {"Nagoya", kJP, 3518150, 13690660, 14, "BFH", "22 25", "Chikusa-ku", "Nagoya University"},
    {"Shenzhen", kCN, 2254310, 11405790, 40, "HHG", "17 22", "Nanshan District",
     "Southern University of Science and Technology"},
    {"Beijing", kCN, 3990420, 11640740, 30, "HGCA", "17 22 16 31", "Haidian District",
     "Tsinghua University"},
    {"Shanghai", kCN, 3123040, 12147370, 20, "HGAC", "27 22 17", "Pudong New Area",
     "Fudan University"},
    {"Hangzhou", kCN, 3027410, 12015510, 10, "GH", "17 22", "Xihu District", "Zhejiang University"},
    {"Guangzhou", kCN, 2312910, 11326440, 8, "HAC", "27 22", "Tianhe District",
     "Sun Yat-sen University"},
    {"Seoul", kKR, 3756650, 12697800, 35, "HGB", "17 22 25", "Gangnam-gu",
     "Seoul National University"},
    {"Suwon", kKR, 3726360, 12702860, 14, "HG", "22 17", "Yeongtong-gu", "Sungkyunkwan University"},
    {"Daejeon", kKR, 3635040, 12738450, 8, "HGC", "22 31 16", "Yuseong-gu", "KAIST"},
    {"San Jose", kUS, 3733820, -12188630, 30, "GH", "17 22", "N 1st St",
     "San Jose State University"},
    {"San Francisco", kUS, 3777490, -12241940, 15, "GHA", "17 27", "Mission St",
     "University of California San Francisco"},
    {"Palo Alto", kUS, 3744190, -12214300, 10, "GH", "17 26", "University Ave",
     "Stanford University"},
    {"Seattle", kUS, 4760620, -12233210, 14, "GHB", "17 27", "Pine St", "University of Washington"},
    {"Boston", kUS, 4236010, -7105890, 18, "ACG", "27 13 16", "Boylston St", "Boston University"},
    {"Cambridge", kUS, 4237360, -7110970, 12, "GAC", "17 31 13", "Massachusetts Ave",
     "Massachusetts Institute of Technology"},
    {"New York", kUS, 4071280, -7400600, 12, "GAH", "27 14 26", "Broadway", "Columbia University"},
    {"San Diego", kUS, 3271570, -11716110, 12, "HAC", "13 27 22", "Morehouse Dr",
     "University of California San Diego"},
    {"Austin", kUS, 3026720, -9774310, 6, "GH", "17 22", "Congress Ave",
     "University of Texas at Austin"},
    {"Houston", kUS, 2976040, -9536980, 6, "ECB", "21 19 22", "Main St", "Rice University"},
    {"Chicago", kUS, 4187810, -8762980, 6, "GAB", "27 31", "Michigan Ave", "University of Chicago"},
    {"Paris", kFR, 4885660, 235220, 16, "AGHB", "27 26 31", "Rue de Rivoli", "Sorbonne Université"},
    {"Lyon", kFR, 4576400, 483570, 5, "ACB", "27 16", "Rue de la République",
     "Université Claude Bernard Lyon 1"},
    {"Grenoble", kFR, 4518850, 572450, 5, "HG", "31 22", "Avenue des Martyrs",
     "Université Grenoble Alpes"},
    {"Toulouse", kFR, 4360470, 144420, 5, "BG", "22 19", "Allée Jean Jaurès",
     "Université de Toulouse"},
    {"London", kGB, 5150740, -12780, 14, "GAH", "27 17 14", "Gower St",
     "University College London"},
    {"Cambridge", kGB, 5220530, 12180, 8, "ACG", "13 31 26", "Trumpington St",
     "University of Cambridge"},
    {"Oxford", kGB, 5175200, -125770, 6, "ACG", "13 27 26", "Parks Rd", "University of Oxford"},
    {"Manchester", kGB, 5348080, -224260, 4, "CBG", "25 22", "Oxford Rd",
     "University of Manchester"},
    {"München", kDE, 4813510, 1158200, 18, "BFHG", "22 31 27", "Leopoldstraße",
     "Technische Universität München"},
    {"Stuttgart", kDE, 4877580, 918290, 12, "BFH", "22 25", "Keplerstraße",
     "Universität Stuttgart"},
    {"Berlin", kDE, 5252000, 1340500, 8, "GAH", "27 17", "Unter den Linden",
     "Charité – Universitätsmedizin Berlin"},
    {"Frankfurt am Main", kDE, 5011090, 868210, 5, "ACG", "27 14", "Mainzer Landstraße",
     "Goethe-Universität Frankfurt"},
    {"Ludwigshafen", kDE, 4947740, 844520, 6, "CBA", "16 15", "Carl-Bosch-Straße",
     "Hochschule Ludwigshafen"},
    {"Bengaluru", kIN, 1297160, 7759460, 12, "GH", "17 22", "MG Road",
     "Indian Institute of Science"},
    {"Hyderabad", kIN, 1738500, 7848670, 5, "GA", "17 27", "HITEC City", "IIT Hyderabad"},
    {"Mumbai", kIN, 1907600, 7287770, 5, "ACG", "27 16", "Powai", "IIT Bombay"},
    {"Chennai", kIN, 1308270, 8027070, 4, "BG", "22 17", "Guindy", "IIT Madras"},
    {"Eindhoven", kNL, 5144160, 546970, 10, "HGA", "22 31", "High Tech Campus",
     "Eindhoven University of Technology"},
    {"Amsterdam", kNL, 5236760, 490410, 5, "GA", "27 17", "Science Park",
     "University of Amsterdam"},
    {"Stockholm", kSE, 5932930, 1806860, 10, "HG", "17 27", "Torshamnsgatan",
     "KTH Royal Institute of Technology"},
    {"Göteborg", kSE, 5770890, 1197460, 6, "BH", "22", "Lindholmen",
     "Chalmers University of Technology"},
    {"Zürich", kCH, 4737690, 854170, 8, "GAH", "17 31 22", "Rämistrasse", "ETH Zürich"},
    {"Basel", kCH, 4755960, 758860, 10, "ACA", "13 27 30", "Fabrikstrasse", "Universität Basel"},
    {"Genève", kCH, 4620440, 614320, 4, "AG", "31 27", "Route de Meyrin", "Université de Genève"},
    {"Tel Aviv", kIL, 3208530, 3478180, 8, "GAH", "17 27", "Rothschild Blvd",
     "Tel Aviv University"},
    {"Haifa", kIL, 3279400, 3498960, 5, "HG", "22 17", "Matam",
     "Technion – Israel Institute of Technology"},
    {"Helsinki", kFI, 6016990, 2493840, 5, "GH", "17 27", "Mannerheimintie",
     "University of Helsinki"},
    {"Espoo", kFI, 6020550, 2465590, 6, "HG", "22 17", "Karaportti", "Aalto University"},
    {"Toronto", kCA, 4365320, -7938320, 8, "GA", "17 27", "College St", "University of Toronto"},
    {"Montréal", kCA, 4550170, -7356730, 5, "GAB", "17 27", "Rue Sherbrooke", "McGill University"},
    {"Vancouver", kCA, 4928270, -12312070, 4, "GA", "27 17", "West Mall",
     "University of British Columbia"},
    {"Singapore", kSG, 135210, 10381980, 8, "GHA", "17 22 27", "Fusionopolis Way",
     "National University of Singapore"},
    {"Taipei", kTW, 2503300, 12156540, 8, "HG", "22 17", "Roosevelt Rd",
     "National Taiwan University"},
    {"Hsinchu", kTW, 2481380, 12096750, 10, "HG", "22 25", "Science Park Rd",
     "National Tsing Hua University"},
    {"Sydney", kAU, -3386880, 15120930, 5, "AG", "27 17", "George St", "University of Sydney"},
    {"Melbourne", kAU, -3781360, 14496310, 5, "AG", "27 13", "Swanston St",
     "University of Melbourne"},
    {"São Paulo", kBR, -2355050, -4663330, 5, "ACB", "27 11", "Avenida Paulista",
     "Universidade de São Paulo"},
    {"Milano", kIT, 4546420, 919000, 6, "BAG", "22 27", "Piazza Leonardo da Vinci",
     "Politecnico di Milano"},
    {"Madrid", kES, 4041680, -370380, 5, "GA", "27 17", "Calle de Alcalá",
     "Universidad Politécnica de Madrid"},
    {"Barcelona", kES, 4138740, 216860, 5, "AG", "27 31", "Avinguda Diagonal",
     "Universitat de Barcelona"},
    {"København", kDK, 5567610, 1256830, 6, "ACF", "27 13", "Nørre Allé",
     "University of Copenhagen"},
    {"Taveuni", kFJ, -1685000, 17999500, 2, "A", "11", "Waiyevo", "Fiji National University"},
};
constexpr int kNumCities = sizeof(kCities) / sizeof(kCities[0]);

constexpr int ComputeTotalWeight() {
  int total = 0;
  for (const CityInfo& c : kCities) total += c.weight;
  return total;
}

const char* const kIpcA[] = {"A61K", "A61B", "A61P", "A01N", "A23L", "A63F"};
const char* const kIpcB[] = {"B60W", "B65D", "B01D", "B29C", "B33Y", "B62D"};
const char* const kIpcC[] = {"C07D", "C12N", "C07K", "C08L", "C01B", "C22C"};
const char* const kIpcD[] = {"D01F", "D06M", "D04H", "D21H"};
const char* const kIpcE[] = {"E21B", "E04B", "E02F", "E05B"};
const char* const kIpcF[] = {"F16H", "F02M", "F24F", "F03D", "F01D", "F25B"};
const char* const kIpcG[] = {"G06F", "G06N", "G06T", "G01S", "G06Q", "G02B", "G16H"};
const char* const kIpcH[] = {"H04W", "H04L", "H01L", "H04N", "H01M", "H02J", "H04B"};

}  // namespace

const CountryInfo* Countries() { return kCountries; }
int NumCountries() { return kNumCountries; }
const CityInfo* Cities() { return kCities; }
int NumCities() { return kNumCities; }
int TotalCityWeight() {
  static constexpr int kTotal = ComputeTotalWeight();
  return kTotal;
}

const char* const* IpcSubclasses(char section, int* n) {
#define STC_IPC_CASE(letter, table)                          \
  case letter:                                               \
    *n = static_cast<int>(sizeof(table) / sizeof(table[0])); \
    return table
  switch (section) {
    STC_IPC_CASE('A', kIpcA);
    STC_IPC_CASE('B', kIpcB);
    STC_IPC_CASE('C', kIpcC);
    STC_IPC_CASE('D', kIpcD);
    STC_IPC_CASE('E', kIpcE);
    STC_IPC_CASE('F', kIpcF);
    STC_IPC_CASE('G', kIpcG);
    default:
      *n = static_cast<int>(sizeof(kIpcH) / sizeof(kIpcH[0]));
      return kIpcH;
  }
#undef STC_IPC_CASE
}

int AsjcCodesInArea(int area) {
  switch (area) {
    case 11:
      return 12;
    case 13:
      return 16;
    case 14:
      return 10;
    case 15:
      return 9;
    case 16:
      return 8;
    case 17:
      return 13;
    case 19:
      return 11;
    case 21:
      return 6;
    case 22:
      return 16;
    case 25:
      return 9;
    case 26:
      return 15;
    case 27:
      return 49;
    case 30:
      return 5;
    case 31:
      return 11;
    default:
      return 1;
  }
}

}  // namespace stc::gen_internal
